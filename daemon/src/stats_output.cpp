#include "stats_output.h"

#include <boost/json.hpp>

#include <charconv>
#include <cmath>
#include <cstdio>

#include "json_output.h"
#include "text_table.h"

namespace triaged::daemon {
namespace {

namespace json = boost::json;
using Clock = std::chrono::system_clock;

constexpr std::chrono::days kDefaultPeriod{7};
constexpr long long kMaxDays = 3660;

bool read_int(std::string_view text, int& out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

// Whole seconds: finer is noise for figures counted in minutes and days.
json::value seconds_or_null(const std::optional<double>& s) {
  return s ? json::value(static_cast<std::int64_t>(std::llround(*s))) : json::value(nullptr);
}

json::object group_to_json(const storage::GroupStats& g) {
  json::object by_status;
  for (const auto& [status, n] : g.by_status) by_status[status] = n;
  auto durations = [](const storage::Durations& d) {
    return json::object{{"count", d.count}, {"median_seconds", seconds_or_null(d.median)},
                        {"p90_seconds", seconds_or_null(d.p90)}};
  };
  const auto share = [&](std::int64_t part) {
    return g.tickets > 0 ? json::value(std::round(1000.0 * static_cast<double>(part) / static_cast<double>(g.tickets)) / 1000)
                         : json::value(nullptr);
  };
  return {{"name", g.name},
          {"tickets", g.tickets},
          {"by_status", std::move(by_status)},
          {"overdue", g.overdue},
          {"first_action", durations(g.first_action)},
          {"resolution", durations(g.resolution)},
          {"rerouted", g.rerouted},
          {"reroute_rate", share(g.rerouted)},
          {"default_topic", g.default_topic},
          {"default_topic_share", share(g.default_topic)}};
}

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

}  // namespace

std::optional<Clock::time_point> parse_utc(std::string_view text) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (text.size() != 10 && text.size() != 20) return std::nullopt;
  if (text[4] != '-' || text[7] != '-') return std::nullopt;
  if (!read_int(text.substr(0, 4), y) || !read_int(text.substr(5, 2), mo) || !read_int(text.substr(8, 2), d))
    return std::nullopt;
  if (text.size() == 20) {
    if (text[10] != 'T' || text[13] != ':' || text[16] != ':' || text[19] != 'Z') return std::nullopt;
    if (!read_int(text.substr(11, 2), h) || !read_int(text.substr(14, 2), mi) || !read_int(text.substr(17, 2), s))
      return std::nullopt;
    if (h > 23 || mi > 59 || s > 59) return std::nullopt;
  }
  const std::chrono::year_month_day date{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(mo)},
                                         std::chrono::day{static_cast<unsigned>(d)}};
  if (!date.ok()) return std::nullopt;
  return std::chrono::sys_days{date} + std::chrono::hours{h} + std::chrono::minutes{mi} + std::chrono::seconds{s};
}

std::expected<StatsPeriod, PeriodError> stats_period(const std::map<std::string, std::string>& query,
                                                     Clock::time_point now) {
  for (const auto& [key, value] : query)
    if (key != "since" && key != "until" && key != "days")
      return std::unexpected(PeriodError{key, "unknown parameter \"" + key + "\" (since, until, days)"});
  StatsPeriod period{now - kDefaultPeriod, now};
  if (auto it = query.find("until"); it != query.end()) {
    auto t = parse_utc(it->second);
    if (!t) return std::unexpected(PeriodError{"until", "expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ, got \"" + it->second + "\""});
    period.until = *t;
    period.since = *t - kDefaultPeriod;
  }
  const auto since = query.find("since");
  const auto days = query.find("days");
  if (since != query.end() && days != query.end())
    return std::unexpected(PeriodError{"days", "give since or days, not both"});
  if (since != query.end()) {
    auto t = parse_utc(since->second);
    if (!t) return std::unexpected(PeriodError{"since", "expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ, got \"" + since->second + "\""});
    period.since = *t;
  }
  if (days != query.end()) {
    int n = 0;
    if (!read_int(days->second, n) || n < 1 || n > kMaxDays)
      return std::unexpected(PeriodError{"days", "expected a whole number from 1 to " + std::to_string(kMaxDays) +
                                                     ", got \"" + days->second + "\""});
    period.since = period.until - std::chrono::days{n};
  }
  if (period.since >= period.until) return std::unexpected(PeriodError{"since", "must be before until"});
  return period;
}

json::object stats_to_json(const storage::Stats& stats, const StatsPeriod& period) {
  json::array departments, agents, duplicates;
  for (const auto& g : stats.departments) departments.push_back(group_to_json(g));
  for (const auto& g : stats.agents) agents.push_back(group_to_json(g));
  for (const auto& d : stats.duplicates) {
    const auto share = [&](std::int64_t part) {
      return d.reports > 0 ? json::value(std::round(1000.0 * static_cast<double>(part) / static_cast<double>(d.reports)) / 1000)
                           : json::value(nullptr);
    };
    duplicates.push_back({{"channel", d.channel}, {"topic", d.topic},          {"reports", d.reports},
                          {"merged", d.merged},   {"merged_share", share(d.merged)}, {"linked", d.linked},
                          {"linked_share", share(d.linked)}});
  }
  return {{"since", format_time(period.since)},
          {"until", format_time(period.until)},
          {"all", group_to_json(stats.all)},
          {"departments", std::move(departments)},
          {"agents", std::move(agents)},
          {"duplicates", std::move(duplicates)}};
}

std::string stats_to_text(const storage::Stats& stats, const StatsPeriod& period) {
  std::string out = "Tickets created " + format_time(period.since) + " to " + format_time(period.until) + ": " +
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
  return out;
}

}  // namespace triaged::daemon
