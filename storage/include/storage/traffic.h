// storage: the records for judging rules on real traffic. A staff reroute corrects where a
// ticket went and is kept as a "rerouted" event; a scan streams stored tickets in pages for
// replaying them against a candidate rule set; coverage aggregates how a period's tickets
// were routed and how often staff corrected each topic. Plain data; TicketStore
// (ticket_store.h) has the operations.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/mail.h"

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
};

}  // namespace triaged::storage
