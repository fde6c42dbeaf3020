#include "http/stats_output.h"

#include <boost/json.hpp>

#include <charconv>
#include <cmath>

#include "common/decision_sources_json.h"
#include "common/json_output.h"

namespace triaged::daemon {
namespace {

namespace json = boost::json;
using Clock = std::chrono::system_clock;

constexpr std::chrono::days kDefaultPeriod{7};
constexpr long long kMaxDays = 3660;
constexpr int kFirstYear = 1970, kLastYear = 2200;
const std::string kDateForm = "expected a date from 1970-01-01 to 2200-12-31 as YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ, got \"";

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
  // issue 17: beyond these a time point (nanoseconds since 1970 in 64 bits: 1677 to 2262) and
  // the arithmetic on it overflow; no helpdesk figure needs them.
  if (!date.ok() || y < kFirstYear || y > kLastYear) return std::nullopt;
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
    if (!t) return std::unexpected(PeriodError{"until", kDateForm + it->second + "\""});
    period.until = *t;
    period.since = *t - kDefaultPeriod;
  }
  const auto since = query.find("since");
  const auto days = query.find("days");
  if (since != query.end() && days != query.end())
    return std::unexpected(PeriodError{"days", "give since or days, not both"});
  if (since != query.end()) {
    auto t = parse_utc(since->second);
    if (!t) return std::unexpected(PeriodError{"since", kDateForm + since->second + "\""});
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

json::object csat_to_json(const storage::CsatFigures& f) {
  json::object out{{"name", f.name}, {"asked", f.asked}, {"good", f.good}, {"bad", f.bad}, {"share_good", nullptr}};
  if (f.share_good) out["share_good"] = std::round(1000.0 * *f.share_good) / 1000;
  return out;
}

json::object csat_to_json(const storage::CsatStats& csat) {
  json::array departments, topics, agents;
  for (const auto& f : csat.departments) departments.push_back(csat_to_json(f));
  for (const auto& f : csat.topics) {
    json::object topic = csat_to_json(f);
    topic["deflected"] = f.deflected;
    topics.push_back(std::move(topic));
  }
  for (const auto& f : csat.agents) agents.push_back(csat_to_json(f));
  return {{"all", csat_to_json(csat.all)},
          {"departments", std::move(departments)},
          {"topics", std::move(topics)},
          {"agents", std::move(agents)}};
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
  json::array deflections;
  std::int64_t deflected = 0;
  for (const auto& d : stats.deflections) {
    json::object by_answer;
    for (const auto& [answer, n] : d.by_answer) by_answer[answer] = n;
    deflections.push_back({{"topic", d.topic}, {"deflected", d.deflected}, {"answers", std::move(by_answer)}});
    deflected += d.deflected;
  }
  return {{"since", format_time(period.since)},
          {"until", format_time(period.until)},
          {"all", group_to_json(stats.all)},
          {"departments", std::move(departments)},
          {"agents", std::move(agents)},
          {"duplicates", std::move(duplicates)},
          {"routing", decision_sources_to_json(stats.decisions)},
          {"deflected", deflected},
          {"deflections", std::move(deflections)},
          {"csat", csat_to_json(stats.csat)}};
}

}  // namespace triaged::daemon
