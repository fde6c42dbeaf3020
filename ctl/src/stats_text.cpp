// stats_to_text(): `triagectl stats` for a terminal.
#include "stats_text.h"

#include <cmath>
#include <cstdio>

#include "common/json_output.h"
#include "decision_sources_text.h"
#include "text_table.h"

namespace triaged::cli {
namespace {

// "3h 20m", "45s", "2d 4h": the two largest units, for people reading a table.
std::string human_duration(const std::optional<double>& seconds) {
  if (!seconds) return "-";
  auto s = static_cast<long long>(std::llround(*seconds));
  const long long d = s / 86400, h = s % 86400 / 3600, m = s % 3600 / 60;
  s %= 60;
  char buf[32];
  if (d > 0) std::snprintf(buf, sizeof buf, "%lldd %lldh", d, h);
  else if (h > 0) std::snprintf(buf, sizeof buf, "%lldh %lldm", h, m);
  else if (m > 0) std::snprintf(buf, sizeof buf, "%lldm %llds", m, s);
  else std::snprintf(buf, sizeof buf, "%llds", s);
  return buf;
}

std::vector<std::vector<std::string>> table(const char* first, const std::vector<storage::GroupStats>& groups) {
  std::vector<std::vector<std::string>> rows{{first, "tickets", "open", "overdue", "first action p50", "p90",
                                              "resolution p50", "p90", "rerouted", "default topic"}};
  for (const auto& g : groups) {
    long long open = 0;
    for (const auto& [status, n] : g.by_status)
      if (status != "resolved" && status != "closed") open += n;
    rows.push_back({g.name, std::to_string(g.tickets), std::to_string(open), std::to_string(g.overdue),
                    human_duration(g.first_action.median), human_duration(g.first_action.p90),
                    human_duration(g.resolution.median), human_duration(g.resolution.p90),
                    percent(g.rerouted, g.tickets), percent(g.default_topic, g.tickets)});
  }
  return rows;
}

// "85% (17 of 20)": the share of good among the ratings given, and how many were asked.
std::vector<std::vector<std::string>> csat_table(const char* first, const std::vector<storage::CsatFigures>& groups,
                                                 bool deflected) {
  std::vector<std::vector<std::string>> rows{{first, "asked", "good", "bad", "good share"}};
  if (deflected) rows.front().push_back("deflected");
  for (const auto& g : groups) {
    rows.push_back({g.name, std::to_string(g.asked), std::to_string(g.good), std::to_string(g.bad),
                    percent(g.good, g.good + g.bad)});
    if (deflected) rows.back().push_back(std::to_string(g.deflected));
  }
  return rows;
}

}  // namespace

std::string stats_to_text(const storage::Stats& stats, const daemon::StatsPeriod& period) {
  std::string out = "Tickets created " + daemon::format_time(period.since) + " to " + daemon::format_time(period.until) + ": " +
                    std::to_string(stats.all.tickets) + "\n\nBy department\n";
  std::vector<storage::GroupStats> departments = stats.departments;
  departments.push_back(stats.all);
  out += render_table(table("department", departments));
  out += "\nBy agent (claimed tickets)\n";
  out += stats.agents.empty() ? "  none claimed\n" : render_table(table("agent", stats.agents));
  out += "\nRepeats by channel and topic (merged into an open ticket, or linked as a duplicate)\n";
  std::vector<std::vector<std::string>> rows{{"channel", "topic", "reports", "merged", "linked"}};
  for (const auto& d : stats.duplicates)
    rows.push_back({d.channel, d.topic, std::to_string(d.reports), percent(d.merged, d.reports),
                    percent(d.linked, d.reports)});
  out += stats.duplicates.empty() ? "  no reports\n" : render_table(rows);
  out += "\n" + decision_sources_to_text(stats.decisions);
  // Only when an answer settled something: a rule set without `answers:` has nothing to say.
  if (!stats.deflections.empty()) {
    out += "\nQuestions an answer settled before a ticket (deflected)\n";
    std::vector<std::vector<std::string>> deflected{{"topic", "answer", "deflected"}};
    for (const auto& d : stats.deflections)
      for (const auto& [answer, n] : d.by_answer) deflected.push_back({d.topic, answer, std::to_string(n)});
    out += render_table(deflected);
  }
  // Only when a survey was asked: a rule set without `satisfaction:` asks none.
  if (stats.csat.all.asked > 0) {
    out += "\nSatisfaction (CSAT) of the tickets resolved in the period\n";
    std::vector<storage::CsatFigures> departments = stats.csat.departments;
    departments.push_back(stats.csat.all);
    out += render_table(csat_table("department", departments, false));
    out += render_table(csat_table("topic", stats.csat.topics, true));
    if (!stats.csat.agents.empty()) out += render_table(csat_table("agent", stats.csat.agents, false));
  }
  return out;
}

}  // namespace triaged::cli
