#include "http/access.h"

#include <openssl/rand.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <sstream>
#include <stdexcept>

#include "common/digest.h"

namespace triaged::daemon {

std::optional<Role> role_from_string(std::string_view name) {
  if (name == "intake") return kIntake;
  if (name == "agent") return kAgent;
  if (name == "admin") return kAdmin;
  return std::nullopt;
}

std::string roles_to_string(Roles roles) {
  std::string out;
  for (auto [bit, name] : {std::pair{kIntake, "intake"}, {kAgent, "agent"}, {kAdmin, "admin"}}) {
    if ((roles & bit) == 0) continue;
    out += out.empty() ? "" : ", ";
    out += name;
  }
  return out;
}

std::string_view bearer_token(std::string_view authorization) {
  // RFC 7235: the scheme is case-insensitive; one or more spaces follow it.
  constexpr std::string_view kScheme = "bearer";
  if (authorization.size() <= kScheme.size()) return {};
  for (std::size_t i = 0; i < kScheme.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(authorization[i])) != kScheme[i]) return {};
  std::string_view rest = authorization.substr(kScheme.size());
  if (rest.front() != ' ') return {};
  rest.remove_prefix(std::min(rest.find_first_not_of(' '), rest.size()));
  while (!rest.empty() && (rest.back() == ' ' || rest.back() == '\t')) rest.remove_suffix(1);
  return rest;
}

bool same_origin(std::string_view origin, std::string_view host) {
  const auto scheme_end = origin.find("://");
  if (scheme_end == std::string_view::npos || host.empty()) return false;
  std::string_view authority = origin.substr(scheme_end + 3);
  std::string_view scheme = origin.substr(0, scheme_end);
  // An origin without a port has its scheme's default; Host then has none either.
  if (authority == host) return true;
  const std::string_view default_port = scheme == "https" ? ":443" : ":80";
  return authority.size() + default_port.size() == host.size() && host.starts_with(authority) &&
         host.ends_with(default_port);
}

std::string new_api_key() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("no random bytes from the OS");
  static const char* kHex = "0123456789abcdef";
  std::string key = "tgd_";
  for (unsigned char b : bytes) {
    key += kHex[b >> 4];
    key += kHex[b & 15];
  }
  return key;
}

AccessControl::AccessControl(std::vector<ApiKey> keys) : keys_(std::move(keys)), buckets_(keys_.size()) {
  for (std::size_t i = 0; i < keys_.size(); ++i) by_hash_.emplace(keys_[i].sha256, i);
}

std::optional<std::chrono::seconds> AccessControl::take(std::size_t key, Clock::time_point now) {
  const RateLimit& rate = keys_[key].rate;
  if (rate.per_second <= 0) return std::nullopt;
  const double burst = rate.burst > 0 ? rate.burst : std::max(1.0, rate.per_second);
  std::lock_guard lock(mutex_);
  Bucket& b = buckets_[key];
  if (!b.started) {
    b = {burst, now, true};
  } else if (now > b.last) {
    const double elapsed = std::chrono::duration<double>(now - b.last).count();
    b.tokens = std::min(burst, b.tokens + elapsed * rate.per_second);
    b.last = now;
  }
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return std::nullopt;
  }
  // Retry-After counts whole seconds; round up so a client that obeys it finds a token.
  const double wait = (1 - b.tokens) / rate.per_second;
  return std::chrono::seconds(std::max<long long>(1, static_cast<long long>(std::ceil(wait))));
}

AccessDecision AccessControl::check(const AccessRequest& request, Clock::time_point now) {
  using Kind = AccessDecision::Kind;
  const Roles needed = request.needed;
  AccessDecision d;
  if (open()) {
    // No keys: the quick start. Administration stays on this machine.
    if ((needed & kAdmin) != 0 && (needed & (kIntake | kAgent)) == 0 && !request.loopback) {
      d.kind = Kind::forbidden;
      d.detail = "the admin endpoints answer only clients on this machine until API keys are configured";
    }
    return d;
  }
  const std::string_view token = bearer_token(request.authorization);
  std::optional<std::size_t> key;
  if (!token.empty()) {
    if (auto it = by_hash_.find(sha256_hex(token)); it != by_hash_.end()) key = it->second;
  }
  if (key) d.key_name = keys_[*key].name;
  if (!request.origin.empty() && !same_origin(request.origin, request.host) && key) {
    const auto& origins = keys_[*key].allowed_origins;
    d.cors = std::ranges::any_of(origins, [&](const std::string& o) { return o == "*" || o == request.origin; });
  }
  if (needed == 0) return d;
  if (!key) {
    d.kind = Kind::unauthenticated;
    d.detail = request.authorization.empty() ? "this endpoint needs an API key: Authorization: Bearer <key>"
               : token.empty()               ? "the Authorization header is not a Bearer credential"
                                             : "unknown API key";
    return d;
  }
  const ApiKey& k = keys_[*key];
  if ((k.roles & (needed | kAdmin)) == 0) {
    d.kind = Kind::forbidden;
    d.detail = "key \"" + k.name + "\" has role " + roles_to_string(k.roles) + "; " +
               std::string(request.method) + " " + std::string(request.route) + " needs " +
               roles_to_string(needed);
    return d;
  }
  if (!request.origin.empty() && !same_origin(request.origin, request.host) && !d.cors) {
    d.kind = Kind::forbidden;
    d.detail = "origin " + std::string(request.origin) + " is not in the allowed_origins of key \"" + k.name + "\"";
    return d;
  }
  if (auto wait = take(*key, now)) {
    d.kind = Kind::rate_limited;
    d.retry_after = *wait;
    std::ostringstream why;
    why << "key \"" << k.name << "\" is over its rate limit of " << k.rate.per_second << " requests per second";
    d.detail = why.str();
  }
  return d;
}

std::string AccessControl::key_id(std::string_view authorization) const {
  const std::string_view token = bearer_token(authorization);
  if (open() || token.empty()) return "";
  const std::string hash = sha256_hex(token);
  return by_hash_.contains(hash) ? hash.substr(0, 16) : "";
}

std::string scoped_idempotency_key(std::string_view key, std::string_view key_id) {
  if (key.empty() || key_id.empty()) return std::string(key);
  return "key:" + std::string(key_id) + ":" + std::string(key);
}

bool AccessControl::preflight_allowed(std::string_view origin) const {
  return std::ranges::any_of(keys_, [&](const ApiKey& k) {
    return std::ranges::any_of(k.allowed_origins, [&](const std::string& o) { return o == "*" || o == origin; });
  });
}

}  // namespace triaged::daemon
