// Where triagectl's bulk mail commands (parse-mail --summary, import-mail) read messages from:
// an mbox file (split by mail::MboxReader, resumable at a byte offset), or message files
// (.eml files and directories such as a Maildir, walked recursively in name order, resumable
// after a file name). Single-threaded; reads one message at a time.
#pragma once

#include <cstdint>
#include <expected>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mail/mbox.h"

namespace triaged::cli {

struct SourceMessage {
  std::string raw;
  std::string where;     // for people: "export.mbox@12345" (the message's offset) or the file's path
  std::string resume;    // the position after this message: the next offset, or this file's path
  bool truncated = false;
};

class MailSource {
 public:
  // An mbox read from `start_offset` (0, or a `resume` value an earlier run saved).
  static std::expected<MailSource, std::string> mbox(const std::string& path, std::uint64_t start_offset = 0);
  // Files and directories (walked recursively, sorted); with `after`, files up to and including
  // that path are skipped. An error names a path that does not exist.
  static std::expected<MailSource, std::string> files(const std::vector<std::string>& paths,
                                                       const std::string& after = "");
  // An mbox when `paths` is one file that starts with "From " or ends in .mbox; files otherwise.
  static std::expected<MailSource, std::string> detect(const std::vector<std::string>& paths);

  std::optional<SourceMessage> next();
  bool is_mbox() const { return mbox_ != nullptr; }
  // Progress so far as a fraction of the whole (bytes of the mbox, or files), 0..1.
  double done_fraction() const;

 private:
  MailSource() = default;

  std::string mbox_path_;
  std::unique_ptr<std::ifstream> in_;
  std::unique_ptr<mail::MboxReader> mbox_;
  std::uint64_t mbox_size_ = 0;
  std::uint64_t mbox_position_ = 0;
  std::vector<std::string> files_;
  std::size_t next_file_ = 0;
};

}  // namespace triaged::cli
