#include "http/customer_portal.h"

namespace triaged::daemon {
namespace {

// Beyond this many references tracked, windows that have ended are dropped: a scan of made-up
// references must not grow the map without bound.
constexpr std::size_t kMaxTrackedRefs = 10000;

}  // namespace

CustomerPortal::CustomerPortal(std::string secret, CustomerPortalOptions options)
    : tokens_(std::move(secret)), options_(std::move(options)), public_url_(options_.public_url) {}

void CustomerPortal::set_public_url(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  std::lock_guard lock(mutex_);
  public_url_ = std::move(url);
}

std::string CustomerPortal::token(std::int64_t ticket_id, const std::string& ref,
                                  std::chrono::system_clock::time_point now) const {
  return tokens_.issue(ticket_id, ref, now + options_.link_lifetime);
}

std::string CustomerPortal::link(std::int64_t ticket_id, const std::string& ref,
                                 std::chrono::system_clock::time_point now) const {
  // In the fragment: browsers never send it, so it stays out of access logs and Referer.
  std::string base;
  {
    std::lock_guard lock(mutex_);
    base = public_url_;
  }
  return base + "/status#" + token(ticket_id, ref, now);
}

std::optional<std::chrono::seconds> CustomerPortal::take(Window& w, int limit, std::chrono::seconds length,
                                                         Clock::time_point now) {
  if (limit <= 0) return std::nullopt;
  if (w.count == 0 || now - w.started >= length) {
    w.started = now;
    w.count = 0;
  }
  if (w.count >= limit) {
    const auto left = std::chrono::ceil<std::chrono::seconds>(w.started + length - now);
    return std::max(left, std::chrono::seconds(1));
  }
  ++w.count;
  return std::nullopt;
}

std::optional<std::chrono::seconds> CustomerPortal::take_lookup(const std::string& ref_key, Clock::time_point now) {
  using std::chrono::hours, std::chrono::minutes;
  std::lock_guard lock(mutex_);
  if (by_ref_.size() > kMaxTrackedRefs)
    std::erase_if(by_ref_, [&](const auto& entry) { return now - entry.second.started >= hours(1); });
  // Check both before taking from either, so a refused lookup costs nothing.
  Window all = all_;
  Window one = by_ref_[ref_key];
  if (auto wait = take(all, options_.lookups_per_minute, minutes(1), now)) return wait;
  if (auto wait = take(one, options_.lookups_per_ref_per_hour, hours(1), now)) return wait;
  all_ = all;
  by_ref_[ref_key] = one;
  return std::nullopt;
}

}  // namespace triaged::daemon
