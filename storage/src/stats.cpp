#include "storage/stats.h"

#include <algorithm>
#include <cmath>

#include "csat_stats.h"
#include "database.h"
#include "decision_source_rows.h"
#include "ticket_row.h"

namespace triaged::storage {
namespace {

// One row per ticket created in the period, with the times of its first staff action and
// first resolution. A staff action is a claim, a reroute, a reply to the customer, or a
// status change someone made
// (automatic ones, like a customer's reply releasing a needs_info ticket, name no actor). A
// decision that is not JSON (never written by triaged) reads as not the default, as coverage
// reads it, instead of failing the whole query.
constexpr const char* kTicketsSql = R"sql(
SELECT t.department, t.assignee, t.status, t.created_at, t.due_at,
  (SELECT min(e.at) FROM ticket_events e WHERE e.ticket_id = t.id AND (
     e.kind IN ('claimed', 'rerouted', 'staff_reply') OR
     (e.kind = 'status_changed' AND coalesce(json_extract(e.data_json, '$.actor'), '') != ''))),
  (SELECT min(e.at) FROM ticket_events e WHERE e.ticket_id = t.id AND e.kind = 'status_changed'
     AND json_extract(e.data_json, '$.to') IN ('resolved', 'closed')),
  EXISTS (SELECT 1 FROM ticket_events e WHERE e.ticket_id = t.id AND e.kind = 'rerouted'),
  CASE WHEN json_valid(t.decision_json) THEN json_extract(t.decision_json, '$.source') END = 'default'
FROM tickets t WHERE t.created_at >= ?1 AND t.created_at < ?2
)sql";

struct Accumulator {
  GroupStats stats;
  std::vector<double> first_action, resolution;

  void add(const std::string& status, std::int64_t created, std::optional<std::int64_t> due,
           std::optional<std::int64_t> acted, std::optional<std::int64_t> resolved, bool rerouted,
           bool at_default, std::int64_t now) {
    ++stats.tickets;
    ++stats.by_status[status];
    const bool open = status != "resolved" && status != "closed";
    if (open && due && *due < now) ++stats.overdue;
    if (acted) first_action.push_back(static_cast<double>(*acted - created) / 1000.0);
    if (resolved) resolution.push_back(static_cast<double>(*resolved - created) / 1000.0);
    if (rerouted) ++stats.rerouted;
    if (at_default) ++stats.default_topic;
  }

  GroupStats finish() {
    stats.first_action = {static_cast<std::int64_t>(first_action.size()), quantile(first_action, 0.5),
                          quantile(first_action, 0.9)};
    stats.resolution = {static_cast<std::int64_t>(resolution.size()), quantile(resolution, 0.5),
                        quantile(resolution, 0.9)};
    return std::move(stats);
  }
};

std::vector<GroupStats> finish_all(std::map<std::string, Accumulator>& groups) {
  std::vector<GroupStats> out;
  out.reserve(groups.size());
  for (auto& [name, acc] : groups) {
    acc.stats.name = name;
    out.push_back(acc.finish());
  }
  return out;
}

}  // namespace

std::optional<double> quantile(std::vector<double>& values, double p) {
  if (values.empty()) return std::nullopt;
  std::sort(values.begin(), values.end());
  const double rank = p * static_cast<double>(values.size() - 1);
  const auto below = static_cast<std::size_t>(std::floor(rank));
  const auto above = std::min(below + 1, values.size() - 1);
  return values[below] + (values[above] - values[below]) * (rank - static_cast<double>(below));
}

namespace {

// Created tickets by channel and topic with how many are linked as duplicates, plus the
// "merged" events of the period, which keep the channel and topic the repeat was routed to.
constexpr std::string_view kDuplicatesSql = R"sql(
SELECT channel, topic, count(*), sum(linked), 0 FROM (
  SELECT t.channel, t.topic,
         EXISTS (SELECT 1 FROM ticket_links l WHERE l.ticket_id = t.id AND l.kind = 'duplicate_of') AS linked
  FROM tickets t WHERE t.created_at >= ?1 AND t.created_at < ?2)
GROUP BY channel, topic
UNION ALL
SELECT json_extract(data_json, '$.channel'), json_extract(data_json, '$.topic'), count(*), 0, count(*)
FROM ticket_events WHERE kind = 'merged' AND at >= ?1 AND at < ?2
GROUP BY 1, 2
)sql";

Result<std::vector<DuplicateFigures>> read_duplicates(Database& db, const StatsQuery& query) {
  auto rows = db.prepare(kDuplicatesSql);
  if (!rows) return std::unexpected(std::move(rows.error()));
  rows->bind(1, to_unix_ms(query.since)).bind(2, to_unix_ms(query.until));
  std::map<std::pair<std::string, std::string>, DuplicateFigures> by_key;
  for (;;) {
    auto row = rows->step();
    if (!row) return std::unexpected(std::move(row.error()));
    if (!*row) break;
    DuplicateFigures& f = by_key[{rows->column_text(0), rows->column_text(1)}];
    f.channel = rows->column_text(0);
    f.topic = rows->column_text(1);
    f.reports += rows->column_int64(2);
    f.linked += rows->column_int64(3);
    f.merged += rows->column_int64(4);
  }
  std::vector<DuplicateFigures> out;
  for (auto& [key, f] : by_key) out.push_back(std::move(f));
  return out;
}

Result<std::vector<DeflectionFigures>> read_deflections(Database& db, const StatsQuery& query) {
  auto rows = db.prepare(
      "SELECT topic, answer_id, count(*) FROM deflections WHERE at >= ?1 AND at < ?2 "
      "GROUP BY topic, answer_id ORDER BY topic, answer_id");
  if (!rows) return std::unexpected(std::move(rows.error()));
  rows->bind(1, to_unix_ms(query.since)).bind(2, to_unix_ms(query.until));
  std::vector<DeflectionFigures> out;
  for (;;) {
    auto row = rows->step();
    if (!row) return std::unexpected(std::move(row.error()));
    if (!*row) return out;
    const std::string topic = rows->column_text(0);
    if (out.empty() || out.back().topic != topic) out.push_back({topic, 0, {}});
    out.back().by_answer[rows->column_text(1)] = rows->column_int64(2);
    out.back().deflected += rows->column_int64(2);
  }
}

}  // namespace

Result<Stats> read_stats(const std::string& db_path, const StatsQuery& query) {
  auto db = Database::open(db_path, SQLITE_OPEN_READONLY);
  if (!db) return std::unexpected(std::move(db.error()));
  sqlite3_busy_timeout(db->handle(), 5000);
  auto rows = db->prepare(kTicketsSql);
  if (!rows) return std::unexpected(std::move(rows.error()));
  rows->bind(1, to_unix_ms(query.since)).bind(2, to_unix_ms(query.until));
  const std::int64_t now = to_unix_ms(query.now);

  Accumulator all;
  std::map<std::string, Accumulator> departments, agents;
  for (;;) {
    auto row = rows->step();
    if (!row) return std::unexpected(std::move(row.error()));
    if (!*row) break;
    const std::string department = rows->column_text(0), assignee = rows->column_text(1);
    const std::string status = rows->column_text(2);
    const std::int64_t created = rows->column_int64(3);
    const auto due = rows->column_optional_int64(4);
    const auto acted = rows->column_optional_int64(5);
    const auto resolved = rows->column_optional_int64(6);
    const bool rerouted = rows->column_int64(7) != 0;
    const bool at_default = rows->column_int64(8) != 0;
    for (Accumulator* acc : {&all, &departments[department]})
      acc->add(status, created, due, acted, resolved, rerouted, at_default, now);
    if (!assignee.empty()) agents[assignee].add(status, created, due, acted, resolved, rerouted, at_default, now);
  }
  Stats stats;
  auto duplicates = read_duplicates(*db, query);
  if (!duplicates) return std::unexpected(std::move(duplicates.error()));
  stats.duplicates = std::move(*duplicates);
  auto decisions = read_decision_sources(*db, to_unix_ms(query.since), to_unix_ms(query.until));
  if (!decisions) return std::unexpected(std::move(decisions.error()));
  stats.decisions = std::move(*decisions);
  auto deflections = read_deflections(*db, query);
  if (!deflections) return std::unexpected(std::move(deflections.error()));
  stats.deflections = std::move(*deflections);
  auto csat = read_csat(*db, query, stats.deflections);
  if (!csat) return std::unexpected(std::move(csat.error()));
  stats.csat = std::move(*csat);
  all.stats.name = "all";
  stats.all = all.finish();
  stats.departments = finish_all(departments);
  stats.agents = finish_all(agents);
  return stats;
}

}  // namespace triaged::storage
