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

// On a database several nodes share (PostgreSQL): the rule set the cluster serves and how this
// node stands to it (app/cluster_rules.h).
struct ClusterRulesView {
  std::string version;        // the cluster's set: the last one published on any node
  std::string published_by;   // the node that published it
  std::optional<std::chrono::system_clock::time_point> published_at;
  bool in_sync = true;        // this node serves `version`
  std::string problem;        // why it does not ("" when in_sync)
  std::string file_version;   // this node's rule file as last read, when it differs from what it serves
};

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
  std::string last_attempt_trigger;   // "signal" | "api" | "watch" | "cluster" (another node's publish)
  routing::Diagnostics last_errors;   // why the last attempt failed (file:line:column each)
  std::optional<ClusterRulesView> cluster;  // set only on a database nodes share
};

// Why a reload left the live set in place.
struct ReloadFailure {
  routing::Diagnostics errors;  // the file's errors (file:line:column each); empty when it loaded
  std::string unshared;         // why a good file could not be made the cluster's set; "" otherwise
};

struct RulesAdmin {
  std::function<RulesStatus()> status;
  // Builds the file's rule set off to the side and swaps it in (on a shared database, after
  // making it the cluster's); on failure the live set stays and the reason comes back.
  // `trigger` is recorded in the status.
  std::function<std::expected<RulesStatus, ReloadFailure>(const std::string& trigger)> reload;
  // The cluster's rule set and this node's standing; empty, or returning nullopt: no cluster.
  std::function<std::optional<ClusterRulesView>()> cluster;
};

}  // namespace triaged::daemon
