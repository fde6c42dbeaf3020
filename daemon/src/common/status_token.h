// The signed links of the customer's status page (docs/customer.md). A token names one ticket
// by id and reference and an expiry, and carries an HMAC-SHA256 of those under the daemon's
// secret: "<id>.<REF>.<expires unix seconds>.<64 hex digits>". Whoever holds it may read and
// add to that one ticket until it expires; nobody can make one without the secret. The secret
// never leaves this object (no accessor, never logged). Immutable and thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <expected>
#include <string>
#include <string_view>

namespace triaged::daemon {

struct StatusTokenClaim {
  std::int64_t ticket_id = 0;
  std::string ref;
  std::chrono::system_clock::time_point expires_at;
};

// Why a token was refused: "malformed", "forged" (the signature does not match: altered or
// signed under another secret) or "expired".
struct StatusTokenError {
  std::string reason;
};

class StatusTokens {
 public:
  // REQUIRES: secret is at least 16 bytes (new_status_secret() makes 32).
  explicit StatusTokens(std::string secret);

  std::string issue(std::int64_t ticket_id, const std::string& ref, std::chrono::system_clock::time_point expires_at) const;
  // The claim when the signature matches (compared in constant time) and expires_at > now.
  // The caller still checks that the claimed ticket exists and still has the claimed ref.
  std::expected<StatusTokenClaim, StatusTokenError> verify(std::string_view token,
                                                           std::chrono::system_clock::time_point now) const;

 private:
  std::string signature(std::string_view signed_part) const;
  const std::string secret_;
};

// `text` with every "{status_link}" (the placeholder customer mail carries until it is sent)
// replaced by `link` ("<page>#<token>"), and every "{good_link}" and "{bad_link}" by the same
// page with the rating chosen: "<page>?rate=good#<token>" (docs/customer.md, "Satisfaction").
std::string with_status_link(std::string text, const std::string& link);

// 32 random bytes from OpenSSL's generator, as 64 hex digits.
std::string new_status_secret();

// The secret kept in `path`: read when the file exists, else made and written there (mode
// 0600, created exclusively so two starts cannot write different ones). Fails with a message
// naming the path, never the secret.
std::expected<std::string, std::string> load_or_create_status_secret(const std::string& path);

}  // namespace triaged::daemon
