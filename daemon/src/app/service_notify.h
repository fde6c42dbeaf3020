// Telling systemd (Type=notify) what the daemon is doing: ready once it serves, reloading
// while the rules are rebuilt, stopping while it drains. Through libsystemd's sd_notify, which
// does nothing when NOTIFY_SOCKET is unset (started by hand, or in tests).
#pragma once

#include <string_view>

namespace triaged::daemon {

void notify_ready(std::string_view status);
void notify_reloading();
void notify_stopping();

}  // namespace triaged::daemon
