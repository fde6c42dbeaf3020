#include "routing/sla.h"

#include <algorithm>

#include "compiled.h"

namespace triaged::routing {

const char* to_string(SlaKind kind) {
  return kind == SlaKind::first_response ? "first_response" : "resolution";
}

const char* to_string(EscalationAction action) {
  switch (action) {
    case EscalationAction::notify_assignee: return "notify_assignee";
    case EscalationAction::notify_head: return "notify_head";
    case EscalationAction::reassign: return "reassign";
    case EscalationAction::webhook: return "webhook";
  }
  return "notify_head";
}

SlaTargets sla_targets(const RuleSet& rules, const std::string& topic, Priority priority) {
  const RuleSet::Impl& impl = rules.impl();
  SlaTargets out = impl.priority_slas[static_cast<std::size_t>(priority)];
  if (auto it = impl.topics_by_id.find(topic); it != impl.topics_by_id.end()) {
    const TopicSpec& t = *it->second->spec;
    if (t.first_response.count() > 0) out.first_response = t.first_response;
    if (t.sla.count() > 0) out.resolution = t.sla;
  }
  return out;
}

const BusinessCalendar& business_calendar(const RuleSet& rules) { return rules.impl().calendar; }

std::vector<DueEscalation> due_escalations(const RuleSet& rules, const SlaClock& clock,
                                           std::chrono::system_clock::time_point now) {
  using std::chrono::milliseconds;
  std::vector<DueEscalation> out;
  const SlaTargets targets = sla_targets(rules, clock.topic, clock.priority);
  const BusinessCalendar& calendar = business_calendar(rules);
  for (const EscalationSpec& level : rules.spec().escalations) {
    if (std::find(clock.fired.begin(), clock.fired.end(), level.id) != clock.fired.end()) continue;
    const bool first = level.sla == SlaKind::first_response;
    const std::chrono::seconds sla = first ? targets.first_response : targets.resolution;
    if (sla.count() <= 0) continue;
    if (first && clock.first_response_at) continue;
    // Split so that ms * percent cannot overflow for the longest SLA a rule file accepts.
    const auto ms = std::chrono::duration_cast<milliseconds>(sla).count();
    const milliseconds part{ms / 100 * level.percent + ms % 100 * level.percent / 100};
    const auto threshold = calendar.add(clock.started_at, part);
    if (threshold > now) continue;
    out.push_back({level, threshold, calendar.add(clock.started_at, sla)});
  }
  return out;
}

}  // namespace triaged::routing
