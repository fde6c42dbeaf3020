#include "common/status_token.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <iterator>
#include <vector>

namespace triaged::daemon {
namespace {

// Distinguishes these MACs from any other use of the same secret.
constexpr std::string_view kPurpose = "triaged-status-v1\n";
constexpr std::size_t kMacHexDigits = 64;

std::string hex(const unsigned char* bytes, std::size_t n) {
  static const char* kHex = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (std::size_t i = 0; i < n; ++i) {
    out += kHex[bytes[i] >> 4];
    out += kHex[bytes[i] & 15];
  }
  return out;
}

template <typename Int>
bool parse_int(std::string_view text, Int& out) {
  if (text.empty() || text.size() > 19) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

std::vector<std::string_view> split_dots(std::string_view token) {
  std::vector<std::string_view> parts;
  for (;;) {
    const auto dot = token.find('.');
    parts.push_back(token.substr(0, dot));
    if (dot == std::string_view::npos || parts.size() > 4) return parts;
    token.remove_prefix(dot + 1);
  }
}

}  // namespace

StatusTokens::StatusTokens(std::string secret) : secret_(std::move(secret)) {}

std::string StatusTokens::signature(std::string_view signed_part) const {
  const std::string message = std::string(kPurpose) + std::string(signed_part);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &length);
  return hex(mac, length);
}

std::string StatusTokens::issue(std::int64_t ticket_id, const std::string& ref,
                                std::chrono::system_clock::time_point expires_at) const {
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(expires_at.time_since_epoch()).count();
  const std::string signed_part = std::to_string(ticket_id) + "." + ref + "." + std::to_string(seconds);
  return signed_part + "." + signature(signed_part);
}

std::expected<StatusTokenClaim, StatusTokenError> StatusTokens::verify(std::string_view token,
                                                                       std::chrono::system_clock::time_point now) const {
  const auto parts = split_dots(token);
  StatusTokenClaim claim;
  std::int64_t expires = 0;
  if (parts.size() != 4 || !parse_int(parts[0], claim.ticket_id) || parts[1].empty() || parts[1].size() > 16 ||
      !parse_int(parts[2], expires) || parts[3].size() != kMacHexDigits)
    return std::unexpected(StatusTokenError{"malformed"});
  const std::string_view signed_part = token.substr(0, token.size() - kMacHexDigits - 1);
  const std::string expected = signature(signed_part);
  if (CRYPTO_memcmp(expected.data(), parts[3].data(), kMacHexDigits) != 0)
    return std::unexpected(StatusTokenError{"forged"});
  claim.ref = std::string(parts[1]);
  claim.expires_at = std::chrono::system_clock::time_point(std::chrono::seconds(expires));
  if (claim.expires_at <= now) return std::unexpected(StatusTokenError{"expired"});
  return claim;
}

namespace {

std::string replace_all(std::string text, std::string_view placeholder, const std::string& value) {
  for (auto at = text.find(placeholder); at != std::string::npos; at = text.find(placeholder, at + value.size()))
    text.replace(at, placeholder.size(), value);
  return text;
}

// "<page>#<token>" -> "<page>?rate=<choice>#<token>": the choice in the query, the token still
// in the fragment, so a prefetch of the link carries no token and can record nothing.
std::string rating_link(const std::string& link, const char* choice) {
  if (link.empty()) return link;
  const auto hash = link.find('#');
  if (hash == std::string::npos) return link;
  return link.substr(0, hash) + "?rate=" + choice + link.substr(hash);
}

}  // namespace

std::string with_status_link(std::string text, const std::string& link) {
  text = replace_all(std::move(text), "{good_link}", rating_link(link, "good"));
  text = replace_all(std::move(text), "{bad_link}", rating_link(link, "bad"));
  return replace_all(std::move(text), "{status_link}", link);
}

std::string new_status_secret() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1) return "";
  return hex(bytes, sizeof bytes);
}

std::expected<std::string, std::string> load_or_create_status_secret(const std::string& path) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    std::ifstream in(path, std::ios::binary);
    if (in) {
      std::string secret{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
      while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r' || secret.back() == ' ')) secret.pop_back();
      if (secret.size() < 16) return std::unexpected("status link secret " + path + " is shorter than 16 bytes");
      return secret;
    }
    const std::string secret = new_status_secret();
    if (secret.empty()) return std::unexpected("cannot make a status link secret: the random generator failed");
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
      if (errno == EEXIST) continue;  // another start made it first: read theirs
      return std::unexpected("cannot create the status link secret " + path + ": " + std::strerror(errno));
    }
    const std::string line = secret + "\n";
    const bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) && ::fsync(fd) == 0;
    ::close(fd);
    if (!written) return std::unexpected("cannot write the status link secret " + path);
    return secret;
  }
  return std::unexpected("cannot read the status link secret " + path);
}

}  // namespace triaged::daemon
