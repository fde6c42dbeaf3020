#include "traffic_rows.h"

#include <algorithm>
#include <exception>
#include <limits>
#include <map>
#include <string>
#include <utility>

#include <boost/json.hpp>

#include "decision_source_rows.h"
#include "mail_rows.h"
#include "ticket_row.h"

namespace triaged::storage {
namespace {

constexpr std::int64_t kMinKey = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kMaxKey = std::numeric_limits<std::int64_t>::max();

StoreError bad_request(std::string message) {
  return StoreError{StoreError::Code::bad_request, std::move(message)};
}

std::int64_t since_ms(std::optional<Clock::time_point> since) {
  return since ? to_unix_ms(*since) : kMinKey;
}

}  // namespace

Result<RerouteOutcome> reroute_ticket(Database& db, const Reroute& reroute) {
  if (reroute.topic.empty() || reroute.department.empty()) {
    return std::unexpected(bad_request("a reroute needs both a topic and a department"));
  }
  auto current = select_ticket(db, reroute.ticket_id);
  if (!current) return std::unexpected(std::move(current.error()));
  if (!*current) return std::unexpected(bad_request("no ticket " + std::to_string(reroute.ticket_id)));
  StoredTicket ticket = std::move(**current);
  if (ticket.topic == reroute.topic && ticket.department == reroute.department) {
    return RerouteOutcome{std::move(ticket), false};
  }

  std::string data;
  try {
    data = boost::json::serialize(boost::json::object{{"from_topic", ticket.topic},
                                                      {"from_department", ticket.department},
                                                      {"to_topic", reroute.topic},
                                                      {"to_department", reroute.department},
                                                      {"reason", reroute.reason},
                                                      {"actor", reroute.actor}});
  } catch (const std::exception& e) {
    return std::unexpected(StoreError{StoreError::Code::io, e.what()});
  }
  const std::int64_t at = to_unix_ms(reroute.at);
  auto update = db.prepare(
      "UPDATE tickets SET topic = ?2, department = ?3, updated_at = ?4 WHERE id = ?1");
  if (!update) return std::unexpected(std::move(update.error()));
  update->bind(1, ticket.id).bind(2, reroute.topic).bind(3, reroute.department).bind(4, at);
  if (auto done = update->run(); !done) return std::unexpected(std::move(done.error()));
  if (auto event = insert_event(db, ticket.id, reroute.at, "rerouted", data); !event) {
    return std::unexpected(std::move(event.error()));
  }
  ticket.topic = reroute.topic;
  ticket.department = reroute.department;
  ticket.updated_at = from_unix_ms(at);
  return RerouteOutcome{std::move(ticket), true};
}

Result<std::vector<StoredTicket>> read_ticket_page(Database& db, const ScanQuery& query,
                                                   const std::optional<ScanKey>& after, int count) {
  // Row-value keyset over the (created_at, id) index: each page is one index range seek, so
  // the cost of a page does not grow with how far into the period it is.
  static const std::string kOldestFirst =
      "SELECT " + std::string(kTicketColumns) +
      " FROM tickets WHERE (created_at, id) > (?1, ?2) AND created_at >= ?3"
      " ORDER BY created_at, id LIMIT ?4";
  static const std::string kNewestFirst =
      "SELECT " + std::string(kTicketColumns) +
      " FROM tickets WHERE (created_at, id) < (?1, ?2) AND created_at >= ?3"
      " ORDER BY created_at DESC, id DESC LIMIT ?4";
  auto select = db.prepare(query.newest_first ? kNewestFirst : kOldestFirst);
  if (!select) return std::unexpected(std::move(select.error()));
  const ScanKey start = query.newest_first ? ScanKey{kMaxKey, kMaxKey} : ScanKey{kMinKey, kMinKey};
  const ScanKey& key = after ? *after : start;
  select->bind(1, key.created_at_ms).bind(2, key.id).bind(3, since_ms(query.since));
  select->bind(4, std::int64_t{count});

  std::vector<StoredTicket> page;
  page.reserve(static_cast<std::size_t>(std::max(count, 0)));
  for (;;) {
    auto row = select->step();
    if (!row) return std::unexpected(std::move(row.error()));
    if (!*row) break;
    auto ticket = read_ticket(*select);
    if (!ticket) return std::unexpected(std::move(ticket.error()));
    page.push_back(std::move(*ticket));
  }
  return page;
}

Result<std::int64_t> count_tickets_since(Database& db, std::optional<Clock::time_point> since) {
  auto select = db.prepare("SELECT count(*) FROM tickets WHERE created_at >= ?1");
  if (!select) return std::unexpected(std::move(select.error()));
  select->bind(1, since_ms(since));
  auto row = select->step();
  if (!row) return std::unexpected(std::move(row.error()));
  return select->column_int64(0);
}

Result<Coverage> read_coverage(Database& db, std::optional<Clock::time_point> since) {
  // Two reads (per topic, then per source) from one snapshot, so their totals agree.
  auto snapshot = Transaction::begin(db, Transaction::Mode::deferred);
  if (!snapshot) return std::unexpected(std::move(snapshot.error()));
  // Grouped in SQL over the created_at range: one row per (routed topic, source, rerouted,
  // where it is now), so the C++ side only folds a few dozen rows whatever the period. The
  // routed topic is the decision's, since tickets.topic follows later reroutes. A decision
  // that is not JSON (never written by triaged) counts under the ticket's topic.
  auto select = db.prepare(R"sql(
SELECT routed, source, rerouted,
       CASE WHEN rerouted THEN topic ELSE '' END,
       CASE WHEN rerouted THEN department ELSE '' END,
       count(*)
FROM (SELECT coalesce(CASE WHEN json_valid(decision_json)
                           THEN json_extract(decision_json, '$.topic') END, topic) AS routed,
             coalesce(CASE WHEN json_valid(decision_json)
                           THEN json_extract(decision_json, '$.source') END, '') AS source,
             EXISTS (SELECT 1 FROM ticket_events e
                     WHERE e.kind = 'rerouted' AND e.ticket_id = tickets.id) AS rerouted,
             topic, department
      FROM tickets WHERE created_at >= ?1)
GROUP BY 1, 2, 3, 4, 5)sql");
  if (!select) return std::unexpected(std::move(select.error()));
  select->bind(1, since_ms(since));

  Coverage coverage;
  std::map<std::string, TopicCoverage> topics;
  std::map<std::string, std::map<std::pair<std::string, std::string>, std::int64_t>> destinations;
  for (;;) {
    auto row = select->step();
    if (!row) return std::unexpected(std::move(row.error()));
    if (!*row) break;
    const std::string routed = select->column_text(0);
    const std::string source = select->column_text(1);
    const bool rerouted = select->column_int64(2) != 0;
    const std::int64_t n = select->column_int64(5);
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
    if (rerouted) {
      topic.rerouted += n;
      coverage.rerouted += n;
      destinations[routed][{select->column_text(3), select->column_text(4)}] += n;
    }
  }

  for (auto& [id, topic] : topics) {
    topic.topic = id;
    for (const auto& [where, n] : destinations[id]) {
      topic.destinations.push_back(RerouteDestination{where.first, where.second, n});
    }
    std::stable_sort(topic.destinations.begin(), topic.destinations.end(),
                     [](const RerouteDestination& a, const RerouteDestination& b) {
                       return a.tickets > b.tickets;
                     });
    coverage.topics.push_back(std::move(topic));
  }
  std::stable_sort(coverage.topics.begin(), coverage.topics.end(),
                   [](const TopicCoverage& a, const TopicCoverage& b) { return a.tickets > b.tickets; });
  auto decisions = read_decision_sources(db, since_ms(since), kMaxKey);
  if (!decisions) return std::unexpected(std::move(decisions.error()));
  coverage.decisions = std::move(*decisions);
  return coverage;
}

}  // namespace triaged::storage
