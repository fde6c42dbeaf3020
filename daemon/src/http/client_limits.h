// What one client address may hold of the connection budget (issue 17): at most
// `per_client` connections open at once, so one host trickling headers cannot take every
// slot; and a few reserve slots past max_connections that answer only the monitoring probes
// (/healthz, /readyz), with a short deadline, so a full house still reports its health.
// Plain values; the server (http_server.cpp) asks and obeys.
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace triaged::daemon {

// Slots past max_connections kept for probes, and how long a probe has to send its request.
inline constexpr std::size_t kProbeReserve = 8;
inline constexpr std::chrono::seconds kProbeReadTimeout{2};

// GET /healthz or /readyz (a query string allowed): what a reserve slot answers.
bool is_probe_target(std::string_view method, std::string_view target);

// Where a new connection goes.
enum class Admission { session, probe_only, turn_away };

// Thread-safe counts of open connections by client address.
class ClientLimits {
 public:
  // `per_client` 0: no limit per address.
  explicit ClientLimits(std::size_t per_client) : per_client_(per_client) {}

  // Decides for a connection from `address` while `open` connections (`probes` of them on
  // reserve slots) are open and `max_connections` is the limit. A connection admitted takes a
  // slot of its address that release() gives back.
  Admission admit(const std::string& address, std::size_t open, std::size_t probes, std::size_t max_connections);
  void release(const std::string& address);
  std::size_t open_from(const std::string& address) const;

 private:
  const std::size_t per_client_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::size_t> open_;
};

}  // namespace triaged::daemon
