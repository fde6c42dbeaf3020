#include "common/replay.h"

#include <boost/json.hpp>

#include <algorithm>
#include <map>
#include <utility>

#include "common/json_output.h"
#include "routing/rule_spec.h"

namespace triaged::daemon {
namespace {

namespace json = boost::json;

// Counts per (from, to) while scanning; turned into sorted ReplayTransitions at the end.
class TransitionCounter {
 public:
  explicit TransitionCounter(std::size_t examples) : examples_(examples) {}

  void add(const std::string& from, const std::string& to, const std::string& ref) {
    ReplayTransition& t = pairs_[{from, to}];
    ++t.tickets;
    if (from != to && t.examples.size() < examples_) t.examples.push_back(ref);
  }

  // Most tickets first; ties in (from, to) order, so reports are stable.
  std::vector<ReplayTransition> sorted() const {
    std::vector<ReplayTransition> out;
    for (const auto& [key, t] : pairs_) {
      ReplayTransition copy = t;
      copy.from = key.first;
      copy.to = key.second;
      out.push_back(std::move(copy));
    }
    std::stable_sort(out.begin(), out.end(),
                     [](const ReplayTransition& a, const ReplayTransition& b) { return a.tickets > b.tickets; });
    return out;
  }

 private:
  const std::size_t examples_;
  std::map<std::pair<std::string, std::string>, ReplayTransition> pairs_;
};

json::array transitions_to_json(const std::vector<ReplayTransition>& transitions) {
  json::array out;
  for (const auto& t : transitions) {
    if (t.from == t.to) continue;
    json::array examples;
    for (const auto& ref : t.examples) examples.push_back(json::value(ref));
    out.push_back({{"from", t.from}, {"to", t.to}, {"tickets", t.tickets}, {"examples", std::move(examples)}});
  }
  return out;
}

}  // namespace

std::expected<ReplayReport, storage::StoreError> replay(storage::TrafficStore& store,
                                                        const routing::RuleSet& candidate,
                                                        const ReplayOptions& options) {
  ReplayReport report;
  report.rules_name = candidate.spec().name;
  report.rules_version = candidate.version();
  report.since = options.since;
  report.limit = options.limit;

  auto in_period = store.count_tickets(options.since);
  if (!in_period) return std::unexpected(std::move(in_period.error()));
  const std::int64_t total = options.limit > 0 ? std::min(*in_period, options.limit) : *in_period;

  TransitionCounter departments(options.examples);
  TransitionCounter topics(options.examples);
  storage::ScanQuery query;
  query.since = options.since;
  query.limit = options.limit;
  query.newest_first = true;
  auto scanned = store.scan_tickets(query, [&](const storage::StoredTicket& stored) {
    // Routed at the time it arrived (SLA-relative decisions depend on it), with its explicit
    // topic kept: an operator chose it, and route() honours it while the candidate has it.
    const routing::Decision decision = routing::route(candidate, stored.ticket, stored.created_at);
    ++report.total;
    if (decision.topic != stored.topic) ++report.topic_changed;
    if (decision.department != stored.department) ++report.department_changed;
    if (!stored.ticket.topic.empty() && !candidate.has_topic(stored.ticket.topic)) ++report.operator_topic_gone;
    const bool waited = stored.status == "needs_info";
    if (!decision.complete() && !waited) {
      ++report.newly_incomplete;
      if (report.newly_incomplete_examples.size() < options.examples) {
        IncompleteExample example{stored.ref, decision.topic, {}};
        for (const auto& p : decision.problems) example.problems.push_back(p.field + " " + p.code);
        report.newly_incomplete_examples.push_back(std::move(example));
      }
    }
    if (decision.complete() && waited) ++report.newly_complete;
    departments.add(stored.department, decision.department, stored.ref);
    topics.add(stored.topic, decision.topic, stored.ref);
    if (options.progress && options.progress_every > 0 && report.total % options.progress_every == 0)
      options.progress(report.total, total);
    return true;
  });
  if (!scanned) return std::unexpected(std::move(scanned.error()));
  const bool end_reported = options.progress_every > 0 && report.total > 0 && report.total % options.progress_every == 0;
  if (options.progress && !end_reported) options.progress(report.total, std::max(total, report.total));
  report.department_transitions = departments.sorted();
  report.topic_transitions = topics.sorted();
  return report;
}

json::object report_to_json(const ReplayReport& r) {
  json::object matrix;
  for (const auto& t : r.department_transitions) {
    if (!matrix.contains(t.from)) matrix[t.from] = json::object();
    matrix[t.from].as_object()[t.to] = t.tickets;
  }
  json::array incomplete;
  for (const auto& e : r.newly_incomplete_examples) {
    json::array problems;
    for (const auto& p : e.problems) problems.push_back(json::value(p));
    incomplete.push_back({{"ref", e.ref}, {"topic", e.topic}, {"problems", std::move(problems)}});
  }
  return {{"rules", {{"name", r.rules_name}, {"version", r.rules_version}}},
          {"since", r.since ? json::value(format_time(*r.since)) : json::value(nullptr)},
          {"limit", r.limit > 0 ? json::value(r.limit) : json::value(nullptr)},
          {"total", r.total},
          {"topic_changed", r.topic_changed},
          {"department_changed", r.department_changed},
          {"newly_incomplete", r.newly_incomplete},
          {"newly_complete", r.newly_complete},
          {"operator_topic_gone", r.operator_topic_gone},
          {"department_matrix", std::move(matrix)},
          {"department_transitions", transitions_to_json(r.department_transitions)},
          {"topic_transitions", transitions_to_json(r.topic_transitions)},
          {"newly_incomplete_examples", std::move(incomplete)}};
}

}  // namespace triaged::daemon
