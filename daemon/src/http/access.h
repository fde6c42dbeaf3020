// Who may call what: API keys (configured as SHA-256 hashes, never in clear), the roles they
// carry, a token-bucket rate limit per key, and the browser origins allowed to use each key.
// With no keys configured the API is open, as the two-command quick start needs; the admin
// endpoints then answer loopback clients only.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace triaged::daemon {

// A key's roles are a bit set. admin may do everything the others may.
enum Role : unsigned { kIntake = 1, kAgent = 2, kAdmin = 4 };
using Roles = unsigned;

std::optional<Role> role_from_string(std::string_view name);
std::string roles_to_string(Roles roles);  // "intake, agent"

struct RateLimit {
  double per_second = 0;  // sustained requests per second; 0: no limit
  double burst = 0;       // bucket size; 0: max(1, per_second)
};

struct ApiKey {
  std::string name;                          // for logs, metrics and messages; never the key
  std::string sha256;                        // lower-case hex of the key's SHA-256
  Roles roles = 0;
  RateLimit rate;
  std::vector<std::string> allowed_origins;  // "https://host[:port]" or "*"
};

struct AccessRequest {
  std::string_view route;          // route template, for messages
  Roles needed = 0;                // the roles that may call it (the route table's); 0: anyone
  std::string_view method;
  std::string_view path;
  std::string_view authorization;  // the Authorization header, "" if none
  std::string_view origin;         // the Origin header, "" if none
  std::string_view host;           // the Host header: an Origin naming it is the same site
  bool loopback = true;
};

struct AccessDecision {
  enum class Kind { allowed, unauthenticated, forbidden, rate_limited } kind = Kind::allowed;
  std::string key_name;            // the matched key's name, "" without one
  std::string detail;              // why not, for the problem answer
  std::chrono::seconds retry_after{0};  // rate_limited: when a token will be there
  bool cors = false;               // answer with Access-Control-Allow-Origin: <origin>
};

class AccessControl {
 public:
  using Clock = std::chrono::steady_clock;

  explicit AccessControl(std::vector<ApiKey> keys);

  bool open() const { return keys_.empty(); }
  std::size_t key_count() const { return keys_.size(); }

  // Thread-safe. `now` drives the rate limiter (tests pass their own).
  AccessDecision check(const AccessRequest& request, Clock::time_point now);
  // A CORS preflight carries no credentials, so it is allowed for an origin any key allows.
  bool preflight_allowed(std::string_view origin) const;
  // Which configured key `authorization` carries, as a stable id that is not the key (the
  // first 16 hex digits of its SHA-256); "" in open mode or without a known key.
  std::string key_id(std::string_view authorization) const;

 private:
  struct Bucket {
    double tokens = 0;
    Clock::time_point last{};
    bool started = false;
  };
  // Takes one token, or says how long until one is there.
  std::optional<std::chrono::seconds> take(std::size_t key, Clock::time_point now);

  std::vector<ApiKey> keys_;
  std::unordered_map<std::string, std::size_t> by_hash_;
  std::mutex mutex_;
  std::vector<Bucket> buckets_;
};

// "Bearer <key>" -> "<key>"; "" when the header is not a bearer credential.
std::string_view bearer_token(std::string_view authorization);
// Whether `origin` ("scheme://host[:port]") names the same host and port as `host` (the Host
// header): browsers send Origin on same-origin POSTs too, and our own pages must pass.
bool same_origin(std::string_view origin, std::string_view host);
// The Idempotency-Key as stored: scoped to the caller's key_id (issue 17), so another key
// sending the same value makes its own ticket. Without a key ("" id: open mode) it is stored
// as sent, as before keys were scoped, so keys stored then still replay.
std::string scoped_idempotency_key(std::string_view key, std::string_view key_id);
// A new random key: "tgd_" and 64 hex digits (256 bits from the OS generator).
std::string new_api_key();

}  // namespace triaged::daemon
