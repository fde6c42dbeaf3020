#include "coverage_report.h"

#include <boost/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "common/decision_sources_json.h"
#include "common/json_output.h"
#include "decision_sources_text.h"
#include "routing/rule_spec.h"
#include "text_table.h"

namespace triaged::cli {
namespace {

using daemon::format_time;

namespace json = boost::json;

double share(std::int64_t part, std::int64_t whole) {
  return whole > 0 ? static_cast<double>(part) / static_cast<double>(whole) : 0.0;
}

// Shares in JSON keep four decimals: enough for a percentage with two, and stable to read.
json::value rounded(double value) { return json::value(std::round(value * 10000.0) / 10000.0); }

std::string destinations_text(const storage::TopicCoverage& topic, std::size_t at_most) {
  std::string out;
  for (std::size_t i = 0; i < topic.destinations.size() && i < at_most; ++i) {
    const auto& d = topic.destinations[i];
    out += (out.empty() ? "" : ", ") + d.topic + "/" + d.department + " " + std::to_string(d.tickets);
  }
  return out;
}

}  // namespace

std::expected<CoverageReport, storage::StoreError> coverage_report(
    storage::TrafficStore& store, std::optional<std::chrono::system_clock::time_point> since,
    const routing::RuleSet* rules) {
  auto coverage = store.coverage(since);
  if (!coverage) return std::unexpected(std::move(coverage.error()));
  CoverageReport report;
  report.since = since;
  report.coverage = std::move(*coverage);
  const auto& c = report.coverage;
  report.default_share = share(c.by_default, c.tickets);
  report.covered_share = c.tickets > 0 ? 1.0 - report.default_share : 0.0;
  report.below_target = c.tickets > 0 && report.covered_share < kCoverageTarget;
  if (rules == nullptr) return report;

  report.with_rules = true;
  report.rules_name = rules->spec().name;
  report.rules_version = rules->version();
  for (const auto& topic : rules->spec().topics) {
    if (topic.is_default) report.default_topic = topic.id;
    const auto seen = std::find_if(c.topics.begin(), c.topics.end(),
                                   [&](const storage::TopicCoverage& t) { return t.topic == topic.id; });
    if (!topic.is_default && (seen == c.topics.end() || seen->by_rules == 0))
      report.never_matched.push_back(topic.id);
    if (seen == c.topics.end()) {
      storage::TopicCoverage zero;
      zero.topic = topic.id;
      report.coverage.topics.push_back(std::move(zero));
    }
  }
  return report;
}

json::object coverage_to_json(const CoverageReport& r) {
  const auto& c = r.coverage;
  json::array topics;
  for (const auto& t : c.topics) {
    json::array destinations;
    for (const auto& d : t.destinations)
      destinations.push_back({{"topic", d.topic}, {"department", d.department}, {"tickets", d.tickets}});
    topics.push_back({{"topic", t.topic},
                      {"tickets", t.tickets},
                      {"share", rounded(share(t.tickets, c.tickets))},
                      {"by_rules", t.by_rules},
                      {"by_operator", t.by_operator},
                      {"by_default", t.by_default},
                      {"rerouted", t.rerouted},
                      {"rerouted_share", rounded(share(t.rerouted, t.tickets))},
                      {"destinations", std::move(destinations)}});
  }
  json::value rules = nullptr, never = nullptr;
  if (r.with_rules) {
    rules = json::object{{"name", r.rules_name}, {"version", r.rules_version}, {"default_topic", r.default_topic}};
    json::array list;
    for (const auto& id : r.never_matched) list.push_back(json::value(id));
    never = std::move(list);
  }
  return {{"since", r.since ? json::value(format_time(*r.since)) : json::value(nullptr)},
          {"tickets", c.tickets},
          {"by_rules", c.by_rules},
          {"by_operator", c.by_operator},
          {"by_default", c.by_default},
          {"default_share", rounded(r.default_share)},
          {"covered_share", rounded(r.covered_share)},
          {"target", kCoverageTarget},
          {"below_target", r.below_target},
          {"rerouted", c.rerouted},
          {"rerouted_share", rounded(share(c.rerouted, c.tickets))},
          {"topics", std::move(topics)},
          {"rules", std::move(rules)},
          {"never_matched", std::move(never)},
          {"routing", daemon::decision_sources_to_json(c.decisions)}};
}

std::string coverage_to_text(const CoverageReport& r) {
  const auto& c = r.coverage;
  std::string out = "Coverage of " + std::to_string(c.tickets) + " tickets";
  out += r.since ? " created since " + format_time(*r.since) : std::string(" (all stored)");
  if (r.with_rules) out += ", topics of \"" + r.rules_name + "\" " + r.rules_version;
  out += "\n\n";
  std::vector<std::vector<std::string>> rows{
      {"topic", "tickets", "share", "rules", "default", "operator", "rerouted", "rerouted %", "rerouted to"}};
  for (const auto& t : c.topics) {
    rows.push_back({t.topic, std::to_string(t.tickets), percent(t.tickets, c.tickets), std::to_string(t.by_rules),
                    std::to_string(t.by_default), std::to_string(t.by_operator), std::to_string(t.rerouted),
                    percent(t.rerouted, t.tickets), destinations_text(t, 3)});
  }
  out += render_table(rows);
  out += "\n";
  out += "Fell to the default topic (nothing matched): " + std::to_string(c.by_default) + " (" +
         percent(c.by_default, c.tickets) + ")\n";
  out += "Rerouted by staff: " + std::to_string(c.rerouted) + " (" + percent(c.rerouted, c.tickets) + ")\n";
  out += "\n" + decision_sources_to_text(c.decisions);
  if (r.below_target) {
    char target[16];
    std::snprintf(target, sizeof target, "%.0f%%", kCoverageTarget * 100);
    out += "Note: the named topics cover " + percent(c.tickets - c.by_default, c.tickets) + " of tickets, below the " +
           target + " target; read the default topic's tickets for the missing topics or keywords.\n";
  }
  if (r.with_rules) {
    out += "Never matched in the period (topics whose conditions matched no ticket): ";
    std::string list;
    for (const auto& id : r.never_matched) list += (list.empty() ? "" : ", ") + id;
    out += (list.empty() ? "none" : list) + "\n";
  }
  return out;
}

}  // namespace triaged::cli
