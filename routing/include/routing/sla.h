// SLA deadlines and escalation levels of an open ticket, as pure functions of the rule set,
// what is known about the ticket and `now`. The daemon's scheduler asks due_escalations()
// for each open ticket and records what it returns; storage makes each (ticket, level) fire
// once.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "routing/calendar.h"
#include "routing/routing.h"
#include "routing/rule_spec.h"

namespace triaged::routing {

struct SlaTargets {
  std::chrono::seconds first_response{0};  // 0: none
  std::chrono::seconds resolution{0};      // 0: none
};

// The topic's own durations, each kind falling back to the priority's default
// (`priorities:` in a rule set). An unknown topic has only the priority's.
SlaTargets sla_targets(const RuleSet& rules, const std::string& topic, Priority priority);

// The calendar deadlines are counted in (counts every second when the rule set has none).
const BusinessCalendar& business_calendar(const RuleSet& rules);

// What the scheduler knows about one open ticket (not resolved or closed, not waiting for
// the customer's missing fields).
struct SlaClock {
  std::string topic;
  Priority priority = Priority::normal;
  // When the ticket reached its queue: created, or released from needs_info.
  std::chrono::system_clock::time_point started_at;
  // The first time staff acted on it (claimed it or changed its status); none yet: unset.
  std::optional<std::chrono::system_clock::time_point> first_response_at;
  std::vector<std::string> fired;  // ids of levels already recorded for it
};

struct DueEscalation {
  EscalationSpec level;
  std::chrono::system_clock::time_point threshold_at;  // when `percent` of the SLA passed
  std::chrono::system_clock::time_point deadline_at;   // when 100% passes
};

// Levels, in rule-set order, that are not in clock.fired and whose threshold is at or before
// `now`: for a resolution level, the ticket's resolution SLA is set; for a first_response
// level, its first-response SLA is set and nobody has responded yet.
std::vector<DueEscalation> due_escalations(const RuleSet& rules, const SlaClock& clock,
                                           std::chrono::system_clock::time_point now);

}  // namespace triaged::routing
