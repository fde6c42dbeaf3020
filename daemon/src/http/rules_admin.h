// What the admin endpoints need from the daemon's rule-set lifecycle, without the Daemon:
// the live set's provenance, the outcome of the last reload attempt, and a reload itself.
#pragma once

#include <chrono>
#include <expected>
#include <functional>
#include <optional>
#include <string>

#include "routing/rule_spec.h"

namespace triaged::daemon {

struct RulesStatus {
  std::string version;       // of the live set
  std::string name;
  std::string source;        // path, or the embedded example's name
  std::string text;          // the YAML the live set was built from
  std::chrono::system_clock::time_point loaded_at;
  std::size_t tests_passed = 0;
  std::string model_version;  // the model serving with the rules; "" when none is in use
  std::string model_problem;  // why a configured model is not in use; "" when it is, or none is set
  // The last reload attempt (any trigger: SIGHUP, API, file watch); unset before the first.
  std::optional<std::chrono::system_clock::time_point> last_attempt_at;
  bool last_attempt_ok = true;
  std::string last_attempt_trigger;   // "signal" | "api" | "watch"
  routing::Diagnostics last_errors;   // why the last attempt failed (file:line:column each)
};

struct RulesAdmin {
  std::function<RulesStatus()> status;
  // Builds the file's rule set off to the side and swaps it in; on failure the live set
  // stays and the diagnostics come back. `trigger` is recorded in the status.
  std::function<std::expected<RulesStatus, routing::Diagnostics>(const std::string& trigger)> reload;
};

}  // namespace triaged::daemon
