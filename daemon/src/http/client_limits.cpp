#include "http/client_limits.h"

namespace triaged::daemon {

bool is_probe_target(std::string_view method, std::string_view target) {
  const std::string_view path = target.substr(0, target.find('?'));
  return method == "GET" && (path == "/healthz" || path == "/readyz");
}

Admission ClientLimits::admit(const std::string& address, std::size_t open, std::size_t probes,
                              std::size_t max_connections) {
  std::lock_guard lock(mutex_);
  std::size_t& mine = open_[address];
  if (per_client_ != 0 && mine >= per_client_) {
    if (mine == 0) open_.erase(address);
    return Admission::turn_away;
  }
  Admission where = Admission::session;
  if (open >= max_connections) {
    if (probes >= kProbeReserve) {
      if (mine == 0) open_.erase(address);
      return Admission::turn_away;
    }
    where = Admission::probe_only;
  }
  ++mine;
  return where;
}

void ClientLimits::release(const std::string& address) {
  std::lock_guard lock(mutex_);
  auto it = open_.find(address);
  if (it == open_.end()) return;
  if (--it->second == 0) open_.erase(it);
}

std::size_t ClientLimits::open_from(const std::string& address) const {
  std::lock_guard lock(mutex_);
  auto it = open_.find(address);
  return it == open_.end() ? 0 : it->second;
}

}  // namespace triaged::daemon
