#include "attachment_sink.h"

#include <openssl/evp.h>

#include <algorithm>
#include <array>

namespace triaged::mail::detail {

std::string sha256_hex(std::string_view bytes) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1) return {};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * length);
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 0x0F];
  }
  return hex;
}

void AttachmentSink::add(Attachment described, std::string data) {
  described.size = data.size();
  if (data.size() > options_.max_attachment_bytes) {
    described.dropped = true;
    described.drop_reason = std::to_string(data.size()) + " bytes exceeds the " +
                            std::to_string(options_.max_attachment_bytes) + "-byte attachment limit";
  } else if (data.size() > options_.max_total_attachment_bytes - std::min(kept_bytes_, options_.max_total_attachment_bytes)) {
    described.dropped = true;
    described.drop_reason = std::to_string(data.size()) + " bytes would exceed the " +
                            std::to_string(options_.max_total_attachment_bytes) +
                            "-byte limit for all attachments of a message (" + std::to_string(kept_bytes_) +
                            " bytes already kept)";
  }
  if (described.dropped) {
    warnings_.push_back("attachment \"" + described.filename + "\" (" + described.content_type +
                        ") dropped: " + described.drop_reason);
  } else {
    kept_bytes_ += data.size();
    described.sha256 = sha256_hex(data);
    described.data = std::move(data);
  }
  attachments_.push_back(std::move(described));
}

}  // namespace triaged::mail::detail
