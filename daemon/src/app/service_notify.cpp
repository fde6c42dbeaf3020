#include "app/service_notify.h"

#include <systemd/sd-daemon.h>

#include <ctime>
#include <string>

namespace triaged::daemon {
namespace {

void notify(const std::string& state) {
  // unset_environment = 0: worker processes are not a concern here, and tests may send twice.
  (void)sd_notify(0, state.c_str());
}

}  // namespace

void notify_ready(std::string_view status) { notify("READY=1\nSTATUS=" + std::string(status)); }

void notify_reloading() {
  // MONOTONIC_USEC lets systemd 253+ (Type=notify-reload) match this to the reload it asked
  // for; older versions ignore it.
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  const long long usec = static_cast<long long>(now.tv_sec) * 1000000 + now.tv_nsec / 1000;
  notify("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(usec) + "\nSTATUS=reloading rules");
}

void notify_stopping() { notify("STOPPING=1\nSTATUS=stopping: finishing requests in flight"); }

}  // namespace triaged::daemon
