// report_to_text(): the replay report for a terminal.
#include <map>
#include <set>
#include <string>

#include "common/json_output.h"
#include "replay_text.h"
#include "text_table.h"

namespace triaged::cli {
namespace {

using daemon::format_time;
using daemon::ReplayReport;
using daemon::ReplayTransition;

std::string join(const std::vector<std::string>& items, const char* glue) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : glue) + item;
  return out;
}

// Rows: where tickets are now; columns: where the candidate sends them. Zeros as "." so
// the few off-diagonal counts stand out.
std::string matrix_table(const std::vector<ReplayTransition>& transitions) {
  std::set<std::string> from, to;
  std::map<std::pair<std::string, std::string>, std::int64_t> count;
  for (const auto& t : transitions) {
    from.insert(t.from);
    to.insert(t.to);
    count[{t.from, t.to}] = t.tickets;
  }
  std::vector<std::vector<std::string>> rows;
  rows.push_back({"now \\ candidate"});
  for (const auto& column : to) rows.back().push_back(column);
  for (const auto& row : from) {
    rows.push_back({row});
    for (const auto& column : to) {
      const auto it = count.find({row, column});
      rows.back().push_back(it == count.end() ? "." : std::to_string(it->second));
    }
  }
  return render_table(rows);
}

std::string changes_table(const std::vector<ReplayTransition>& transitions) {
  std::vector<std::vector<std::string>> rows{{"now", "", "candidate", "tickets", "examples"}};
  for (const auto& t : transitions) {
    if (t.from == t.to) continue;
    rows.push_back({t.from, "->", t.to, std::to_string(t.tickets), join(t.examples, ", ")});
  }
  return rows.size() == 1 ? "  none\n" : render_table(rows);
}

}  // namespace

std::string report_to_text(const ReplayReport& r) {
  std::string out = "Replayed " + std::to_string(r.total) + " tickets";
  if (r.limit > 0) out += " (the newest, at most " + std::to_string(r.limit) + ")";
  if (r.since) out += " created since " + format_time(*r.since);
  out += " with \"" + r.rules_name + "\" " + r.rules_version + "\n\n";
  out += render_table({{"", "tickets", "share"},
                       {"topic changed", std::to_string(r.topic_changed), percent(r.topic_changed, r.total)},
                       {"department changed", std::to_string(r.department_changed),
                        percent(r.department_changed, r.total)},
                       {"newly incomplete", std::to_string(r.newly_incomplete), percent(r.newly_incomplete, r.total)},
                       {"newly complete", std::to_string(r.newly_complete), percent(r.newly_complete, r.total)}});
  if (r.operator_topic_gone > 0)
    out += "  " + std::to_string(r.operator_topic_gone) +
           " tickets had an operator-chosen topic the candidate lacks; they were classified instead\n";
  if (r.total == 0) return out;

  out += "\nDepartments (rows: now, columns: with the candidate)\n" + matrix_table(r.department_transitions);
  out += "\nDepartment changes\n" + changes_table(r.department_transitions);
  out += "\nTopic changes\n" + changes_table(r.topic_transitions);
  if (!r.newly_incomplete_examples.empty()) {
    out += "\nNewly incomplete (would wait for data; first " + std::to_string(r.newly_incomplete_examples.size()) +
           ")\n";
    std::vector<std::vector<std::string>> rows{{"ticket", "topic", "problems"}};
    for (const auto& e : r.newly_incomplete_examples) rows.push_back({e.ref, e.topic, join(e.problems, ", ")});
    out += render_table(rows);
  }
  return out;
}

}  // namespace triaged::cli
