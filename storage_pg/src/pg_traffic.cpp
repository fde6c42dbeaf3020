// PgTicketStore's reads for judging rules on traffic: scans keyset-paged over
// (created_at, id), counts, and coverage (storage/src/traffic_rows.cpp on SQLite).
#include <algorithm>
#include <array>
#include <limits>
#include <map>
#include <utility>

#include "pg_ticket_rows.h"
#include "pg_ticket_store.h"

namespace triaged::storage::pg {
namespace {

constexpr int kMinScanPage = 1;
constexpr int kMaxScanPage = 5000;
constexpr std::int64_t kMinKey = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kMaxKey = std::numeric_limits<std::int64_t>::max();
constexpr std::array<const char*, 4> kKnownSources{"rules", "model", "operator", "default"};

template <typename T>
std::unexpected<StoreError> fail(Result<T>& r) {
  return std::unexpected(std::move(r.error()));
}

std::int64_t since_ms(std::optional<Clock::time_point> since) { return since ? to_unix_ms(*since) : kMinKey; }

struct ScanKey {
  std::int64_t created_at_ms = 0;
  std::int64_t id = 0;
};

Result<std::vector<StoredTicket>> read_ticket_page(Connection& db, const ScanQuery& query,
                                                   const std::optional<ScanKey>& after, std::int64_t count) {
  static const std::string kOldestFirst = "SELECT " + std::string(kTicketColumns) +
                                          " FROM tickets WHERE (created_at, id) > ($1, $2) AND created_at >= $3"
                                          " ORDER BY created_at, id LIMIT $4";
  static const std::string kNewestFirst = "SELECT " + std::string(kTicketColumns) +
                                          " FROM tickets WHERE (created_at, id) < ($1, $2) AND created_at >= $3"
                                          " ORDER BY created_at DESC, id DESC LIMIT $4";
  const ScanKey start = query.newest_first ? ScanKey{kMaxKey, kMaxKey} : ScanKey{kMinKey, kMinKey};
  const ScanKey& key = after ? *after : start;
  auto rows = db.exec(query.newest_first ? kNewestFirst : kOldestFirst,
                      {int64(key.created_at_ms), int64(key.id), int64(since_ms(query.since)), int64(count)});
  if (!rows) return fail(rows);
  std::vector<StoredTicket> page;
  for (int r = 0; r < rows->size(); ++r) {
    auto ticket = read_ticket(*rows, r);
    if (!ticket) return fail(ticket);
    page.push_back(std::move(*ticket));
  }
  return page;
}

// Per routed topic and source, whether rerouted and where to, grouped in SQL; the routed
// topic is the decision's, since tickets.topic follows later reroutes.
constexpr const char* kCoverageSql = R"sql(
SELECT routed, source, rerouted,
       CASE WHEN rerouted THEN topic ELSE '' END,
       CASE WHEN rerouted THEN department ELSE '' END,
       count(*)
FROM (SELECT coalesce(d ->> 'topic', topic) AS routed,
             coalesce(d ->> 'source', '') AS source,
             EXISTS (SELECT 1 FROM ticket_events e WHERE e.kind = 'rerouted' AND e.ticket_id = t.id) AS rerouted,
             topic, department
      FROM (SELECT *, try_jsonb(decision_json) AS d FROM tickets WHERE created_at >= $1) t) c
GROUP BY 1, 2, 3, 4, 5)sql";

constexpr const char* kSourcesSql = R"sql(
SELECT source, has_model, disagreed, rerouted, count(*)
FROM (SELECT coalesce(d ->> 'source', '') AS source,
             coalesce(jsonb_typeof(d -> 'model') = 'object', false) AS has_model,
             coalesce(jsonb_typeof(d -> 'model' -> 'agrees') = 'boolean' AND (d -> 'model' ->> 'agrees') = 'false',
                      false) AS disagreed,
             EXISTS (SELECT 1 FROM ticket_events e WHERE e.kind = 'rerouted' AND e.ticket_id = t.id) AS rerouted
      FROM (SELECT id, try_jsonb(decision_json) AS d FROM tickets WHERE created_at >= $1 AND created_at < $2) t) s
GROUP BY 1, 2, 3, 4)sql";

Result<DecisionSources> read_decision_sources(Connection& db, std::int64_t since, std::int64_t until) {
  auto rows = db.exec(kSourcesSql, {int64(since), int64(until)});
  if (!rows) return fail(rows);
  DecisionSources out;
  std::map<std::string, SourceReroutes> by_source;
  for (int r = 0; r < rows->size(); ++r) {
    const std::string source = rows->text(r, 0);
    const bool has_model = rows->boolean(r, 1);
    const bool disagreed = rows->boolean(r, 2);
    const std::int64_t n = rows->int64(r, 4);
    SourceReroutes& s = by_source[source];
    s.tickets += n;
    if (rows->boolean(r, 3)) s.rerouted += n;
    out.tickets += n;
    if (has_model) out.model_opinions += n;
    if (has_model && disagreed) out.model_disagreed += n;
    if (source == "model") out.model_decided += n;
  }
  for (const char* known : kKnownSources) {
    SourceReroutes s = by_source[known];
    s.source = known;
    out.sources.push_back(std::move(s));
    by_source.erase(known);
  }
  for (auto& [name, s] : by_source) {
    s.source = name;
    out.sources.push_back(std::move(s));
  }
  return out;
}

Result<Coverage> read_coverage(Connection& db, std::optional<Clock::time_point> since) {
  auto rows = db.exec(kCoverageSql, {int64(since_ms(since))});
  if (!rows) return fail(rows);
  Coverage coverage;
  std::map<std::string, TopicCoverage> topics;
  std::map<std::string, std::map<std::pair<std::string, std::string>, std::int64_t>> destinations;
  for (int r = 0; r < rows->size(); ++r) {
    const std::string routed = rows->text(r, 0);
    const std::string source = rows->text(r, 1);
    const std::int64_t n = rows->int64(r, 5);
    TopicCoverage& topic = topics[routed];
    topic.tickets += n;
    coverage.tickets += n;
    if (source == "rules") {
      topic.by_rules += n;
      coverage.by_rules += n;
    } else if (source == "operator") {
      topic.by_operator += n;
      coverage.by_operator += n;
    } else if (source == "default") {
      topic.by_default += n;
      coverage.by_default += n;
    }
    if (rows->boolean(r, 2)) {
      topic.rerouted += n;
      coverage.rerouted += n;
      destinations[routed][{rows->text(r, 3), rows->text(r, 4)}] += n;
    }
  }
  for (auto& [id, topic] : topics) {
    topic.topic = id;
    for (const auto& [where, n] : destinations[id]) topic.destinations.push_back(RerouteDestination{where.first, where.second, n});
    std::stable_sort(topic.destinations.begin(), topic.destinations.end(),
                     [](const RerouteDestination& a, const RerouteDestination& b) { return a.tickets > b.tickets; });
    coverage.topics.push_back(std::move(topic));
  }
  std::stable_sort(coverage.topics.begin(), coverage.topics.end(),
                   [](const TopicCoverage& a, const TopicCoverage& b) { return a.tickets > b.tickets; });
  auto decisions = read_decision_sources(db, since_ms(since), kMaxKey);
  if (!decisions) return fail(decisions);
  coverage.decisions = std::move(*decisions);
  return coverage;
}

}  // namespace

Result<std::int64_t> PgTicketStore::scan_tickets(const ScanQuery& query,
                                                 const std::function<bool(const StoredTicket&)>& visit) {
  const int page_size = std::clamp(query.page_size, kMinScanPage, kMaxScanPage);
  std::optional<ScanKey> after;
  std::int64_t visited = 0;
  for (;;) {
    std::int64_t wanted = page_size;
    if (query.limit > 0) wanted = std::min(wanted, query.limit - visited);
    if (wanted <= 0) break;
    // The connection goes back before `visit` runs, so `visit` may use the store.
    auto page = pool_->with_connection([&](Connection& db) { return read_ticket_page(db, query, after, wanted); });
    if (!page) return fail(page);
    for (const StoredTicket& ticket : *page) {
      ++visited;
      if (!visit(ticket)) return visited;
    }
    if (static_cast<std::int64_t>(page->size()) < wanted) break;
    after = ScanKey{to_unix_ms(page->back().created_at), page->back().id};
  }
  return visited;
}

Result<std::int64_t> PgTicketStore::count_tickets(std::optional<Clock::time_point> since) {
  return pool_->with_connection([&](Connection& db) -> Result<std::int64_t> {
    auto rows = db.exec("SELECT count(*) FROM tickets WHERE created_at >= $1", {int64(since_ms(since))});
    if (!rows) return fail(rows);
    return rows->int64(0, 0);
  });
}

Result<Coverage> PgTicketStore::coverage(std::optional<Clock::time_point> since) {
  // Both reads from one snapshot, so their totals agree.
  return pool_->with_connection([&](Connection& db) -> Result<Coverage> {
    if (auto begun = db.run("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"); !begun) return fail(begun);
    auto coverage = read_coverage(db, since);
    (void)db.run(coverage ? "COMMIT" : "ROLLBACK");
    return coverage;
  });
}

}  // namespace triaged::storage::pg
