// mail/mbox: reading a mailbox export (mbox, as Thunderbird, mutt, Gmail Takeout and
// `formail` write it) one message at a time, for importing a backlog and for `triagectl
// parse-mail --summary`. Pure text handling on a std::istream: no GMime, no whole-file buffer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <istream>
#include <optional>
#include <string>

namespace triaged::mail {

struct MboxMessage {
  std::string raw;           // the message as it was delivered: "From " line removed, ">From " unescaped
  std::uint64_t offset = 0;  // where its "From " line starts in the file; resume by seeking here
  std::uint64_t end = 0;     // where the next message (or the file's end) starts
  bool truncated = false;    // longer than max_bytes: raw holds only the first max_bytes
};

// A message starts at a line beginning "From " that opens the file, follows a blank line, or
// carries an envelope date ("From a@b Mon Dec  7 10:00:00 2026": writers that leave no blank
// line between messages), in LF and CRLF files alike; text before the first such line, if not
// blank, is a message of its own (a single .eml given as an mbox). One ">" is removed from lines
// of the form ">From ", ">>From ", ... (mboxrd quoting; mboxo files lose only the ">" their
// writer added). Memory is bounded by max_bytes per message plus one line; a longer message is
// cut there and marked truncated, the rest skipped, so the next message still starts right.
class MboxReader {
 public:
  // `in` positioned at `start_offset` (0, or an offset a previous MboxMessage reported).
  explicit MboxReader(std::istream& in, std::uint64_t start_offset = 0,
                      std::size_t max_bytes = 40 * 1024 * 1024);

  // The next message, or nullopt at the end of the stream.
  std::optional<MboxMessage> next();

 private:
  bool read_line();  // into line_, with its line end; false at the end of input

  std::istream& in_;
  std::uint64_t position_ = 0;  // offset of line_'s first byte
  std::size_t max_bytes_;
  std::string line_;
  bool have_line_ = false;  // line_ holds a line not yet consumed
  bool previous_blank_ = true;
};

}  // namespace triaged::mail
