#include "http/strict_headers.h"

namespace triaged::daemon {

std::optional<Problem> check_header_counts(const HeaderCounts& c) {
  if (c.version >= 11 && c.host != 1)
    return bad_request(c.host == 0 ? "a Host header is required (HTTP/1.1)" : "more than one Host header",
                       {{"Host", c.host == 0 ? "missing" : "duplicate", "exactly one Host header is required (RFC 9112)"}});
  if (c.host > 1)
    return bad_request("more than one Host header", {{"Host", "duplicate", "at most one Host header"}});
  if (c.authorization > 1)
    return bad_request("more than one Authorization header",
                       {{"Authorization", "duplicate", "send one Authorization header"}});
  return std::nullopt;
}

std::optional<std::size_t> header_block_end(std::string_view bytes) {
  std::size_t start = 0;
  while (bytes.substr(start, 2) == "\r\n") start += 2;  // empty lines before the request line
  const auto end = bytes.find("\r\n\r\n", start);
  if (end == std::string_view::npos) return std::nullopt;
  return end + 4;
}

std::optional<Problem> check_obs_fold(std::string_view block) {
  for (auto at = block.find("\r\n"); at != std::string_view::npos && at + 2 < block.size(); at = block.find("\r\n", at + 2)) {
    const char next = block[at + 2];
    if (at > 0 && (next == ' ' || next == '\t'))
      return bad_request("a header line continued on the next line (obs-fold)",
                         {{"", "malformed", "obs-fold is not accepted (RFC 9112 5.2); send each header on one line"}});
  }
  return std::nullopt;
}

}  // namespace triaged::daemon
