// storage: the records for judging rules on real traffic. A staff reroute corrects where a
// ticket went and is kept as a "rerouted" event; a scan streams stored tickets in pages for
// replaying them against a candidate rule set; coverage aggregates how a period's tickets
// were routed and how often staff corrected each topic. TrafficStore has the reads; the
// reroute itself is a staff action (ticket_actions.h).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "storage/decision_sources.h"
#include "storage/mail.h"
#include "storage/result.h"
#include "storage/tickets.h"

namespace triaged::storage {

// A staff member moves a ticket to another topic and/or department. Both target values are
// final: the caller resolves "topic only" to the topic's department before calling.
struct Reroute {
  std::int64_t ticket_id = 0;
  std::string topic;
  std::string department;
  std::string reason;
  std::string actor;                 // who did it; "" when unknown
  Clock::time_point at;
};

// Which stored tickets a scan visits: created at or after `since` (all when unset), at most
// `limit` of them (0: no limit), oldest or newest first by (created_at, id).
struct ScanQuery {
  std::optional<Clock::time_point> since;
  bool newest_first = false;
  std::int64_t limit = 0;
  int page_size = 500;               // rows read per query, clamped to 1..5000
};

// Where staff moved tickets of one routed topic, counted by ticket (its topic and
// department now).
struct RerouteDestination {
  std::string topic;
  std::string department;
  std::int64_t tickets = 0;
};

// One topic as the routing decided it (the topic in the stored decision, not a topic staff
// moved the ticket to later).
struct TopicCoverage {
  std::string topic;
  std::int64_t tickets = 0;
  std::int64_t by_rules = 0;         // decision source "rules": the topic's conditions matched
  std::int64_t by_operator = 0;      // decision source "operator": an explicit topic
  std::int64_t by_default = 0;       // decision source "default": nothing matched
  std::int64_t rerouted = 0;         // tickets with at least one "rerouted" event
  std::vector<RerouteDestination> destinations;  // most tickets first, then by topic
};

struct Coverage {
  std::int64_t tickets = 0;
  std::int64_t by_rules = 0;
  std::int64_t by_operator = 0;
  std::int64_t by_default = 0;
  std::int64_t rerouted = 0;
  std::vector<TopicCoverage> topics;  // most tickets first, then by topic id
  DecisionSources decisions;          // by source (with "model"), reroutes, model opinions
};

// The reads replay and coverage make. Thread-safe; only reads.
class TrafficStore {
 public:
  virtual ~TrafficStore() = default;

  // Calls `visit` with each ticket matching `query` in order, as stored: the ticket as
  // received in .ticket (an explicit topic in .ticket.topic; fields as last updated, which
  // for email tickets includes fields a reply supplied) plus its topic, department, status,
  // rules_version and decision_json now. Reads one page per query, keyset-paged, and holds
  // no connection or snapshot while `visit` runs, so `visit` may call this store. Stops
  // early when `visit` returns false. Returns the number of tickets visited.
  virtual Result<std::int64_t> scan_tickets(const ScanQuery& query,
                                            const std::function<bool(const StoredTicket&)>& visit) = 0;
  // Tickets created at or after `since` (all when unset).
  virtual Result<std::int64_t> count_tickets(std::optional<Clock::time_point> since) = 0;
  // How tickets created at or after `since` were routed and rerouted, from one snapshot.
  virtual Result<Coverage> coverage(std::optional<Clock::time_point> since) = 0;
};

}  // namespace triaged::storage
