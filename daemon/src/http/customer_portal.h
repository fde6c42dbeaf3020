// What the customer-facing endpoints share (docs/customer.md): the status link signer, the
// public address links point to, the lookup rate limits and the acknowledgement's mail
// settings. One per daemon, built at start from the config; thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "common/status_token.h"

namespace triaged::daemon {

struct CustomerPortalOptions {
  // Where customers reach this daemon: links are <public_url>/status#<token>. No trailing "/".
  // "": the daemon's own listen address once bound (set_public_url).
  std::string public_url;
  std::chrono::hours link_lifetime{24 * 90};  // a link in a mail opens the page this long
  // Lookups by reference and contact, for the whole daemon and for one reference: beyond
  // either, 429 with Retry-After. The first makes enumerating references slow; the second
  // makes guessing one ticket's contact slow even from many addresses.
  int lookups_per_minute = 30;
  int lookups_per_ref_per_hour = 10;
  // The acknowledgement of web and API tickets, as EmailOptions says for mail.
  int max_auto_replies_per_day = 5;
  std::string message_id_domain = "triaged.localhost";
};

class CustomerPortal {
 public:
  using Clock = std::chrono::steady_clock;

  // REQUIRES: secret is at least 16 bytes.
  CustomerPortal(std::string secret, CustomerPortalOptions options);

  const StatusTokens& tokens() const { return tokens_; }
  const CustomerPortalOptions& options() const { return options_; }
  // A token for the ticket valid for link_lifetime from `now`.
  std::string token(std::int64_t ticket_id, const std::string& ref, std::chrono::system_clock::time_point now) const;
  std::string link(std::int64_t ticket_id, const std::string& ref, std::chrono::system_clock::time_point now) const;
  // Where links point from now on; the daemon sets its bound address when none was configured.
  void set_public_url(std::string url);

  // Takes one lookup for `ref_key` (the reference as normalised for comparison) from both
  // limits: nullopt when allowed, else how long until one would be. Counts attempts for refs
  // that exist and refs that do not alike.
  std::optional<std::chrono::seconds> take_lookup(const std::string& ref_key, Clock::time_point now);

 private:
  struct Window {
    Clock::time_point started{};
    int count = 0;
  };
  static std::optional<std::chrono::seconds> take(Window& w, int limit, std::chrono::seconds length,
                                                  Clock::time_point now);

  // Fixed at construction.
  const StatusTokens tokens_;
  const CustomerPortalOptions options_;
  // Guarded by mutex_.
  mutable std::mutex mutex_;
  std::string public_url_;
  Window all_;
  std::unordered_map<std::string, Window> by_ref_;
};

}  // namespace triaged::daemon
