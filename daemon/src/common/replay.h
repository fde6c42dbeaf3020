// Replay: a candidate rule set judged on real traffic. Every stored ticket of a period is
// routed again, as it was received and at the time it was received, and the new decision is
// compared with where the ticket is now. Shared by `triagectl replay` (whose text form is
// ctl/src/replay_text.h) and the daemon's rules/simulate endpoint. replay() only reads the store; reports are plain data.
#pragma once

#include <boost/json/object.hpp>

#include <chrono>
#include <cstdint>
#include <expected>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "routing/routing.h"
#include "storage/traffic.h"

namespace triaged::daemon {

struct ReplayOptions {
  std::optional<std::chrono::system_clock::time_point> since;  // unset: every stored ticket
  std::int64_t limit = 0;             // the newest `limit` tickets of the period; 0: all
  std::size_t examples = 3;           // ticket refs kept per transition
  std::int64_t progress_every = 1000;
  // Called with (replayed, total) every progress_every tickets, and at the end unless the
  // last call already said so.
  std::function<void(std::int64_t, std::int64_t)> progress;
};

// Tickets that went `from` → `to` (topics or departments), with a few refs to look at.
struct ReplayTransition {
  std::string from;
  std::string to;
  std::int64_t tickets = 0;
  std::vector<std::string> examples;  // refs; only for changed pairs (from != to)
};

// A ticket the candidate would leave without data its new topic needs.
struct IncompleteExample {
  std::string ref;
  std::string topic;                  // under the candidate
  std::vector<std::string> problems;  // "order_id missing", "phone|email missing", ...
};

struct ReplayReport {
  std::string rules_name;
  std::string rules_version;
  std::optional<std::chrono::system_clock::time_point> since;
  std::int64_t limit = 0;

  std::int64_t total = 0;
  std::int64_t topic_changed = 0;       // new topic != stored topic
  std::int64_t department_changed = 0;  // new department != stored department
  // The new decision has problems (missing/invalid fields) but the ticket's status is not
  // needs_info: it would newly wait for data. newly_complete is the reverse.
  std::int64_t newly_incomplete = 0;
  std::int64_t newly_complete = 0;
  // Operator-chosen topics the candidate no longer has; those tickets were classified.
  std::int64_t operator_topic_gone = 0;

  // Every stored → new pair seen, unchanged ones included, most tickets first: the matrix.
  std::vector<ReplayTransition> department_transitions;
  std::vector<ReplayTransition> topic_transitions;
  std::vector<IncompleteExample> newly_incomplete_examples;  // at most options.examples
};

// Replays the newest options.limit tickets created since options.since (all when unset),
// newest first, against `candidate`. Fails only when the store does.
std::expected<ReplayReport, storage::StoreError> replay(storage::TrafficStore& store,
                                                        const routing::RuleSet& candidate,
                                                        const ReplayOptions& options);

// {rules, since, limit, total, topic_changed, department_changed, newly_incomplete,
//  newly_complete, operator_topic_gone, department_matrix: {from: {to: n}},
//  department_transitions: [{from, to, tickets, examples}] (changed only), topic_transitions
//  (changed only), newly_incomplete_examples: [{ref, topic, problems}]}
boost::json::object report_to_json(const ReplayReport& report);

}  // namespace triaged::daemon
