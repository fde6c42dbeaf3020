// Where a message's attachments accumulate, enforcing the per-part and per-message byte limits
// so that an oversized part is recorded (name, type, size, why) but its bytes are not kept.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "mail/message.h"

namespace triaged::mail::detail {

std::string sha256_hex(std::string_view bytes);

class AttachmentSink {
 public:
  AttachmentSink(const ParseOptions& options, std::vector<Attachment>& attachments,
                 std::vector<std::string>& warnings)
      : options_(options), attachments_(attachments), warnings_(warnings) {}

  // `described` carries everything but size, sha256, data and the drop fields.
  void add(Attachment described, std::string data);

 private:
  const ParseOptions& options_;
  std::vector<Attachment>& attachments_;
  std::vector<std::string>& warnings_;
  std::size_t kept_bytes_ = 0;
};

}  // namespace triaged::mail::detail
