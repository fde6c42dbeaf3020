#include "sla_build.h"

namespace triaged::routing {
namespace {

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

void check_levels(const RuleSet::Impl& impl, const std::set<std::string>& departments, Diagnostics& errors) {
  std::set<std::string> seen;
  for (const EscalationSpec& level : impl.spec.escalations) {
    const std::string owner = "escalation " + quoted(level.id);
    if (level.id.empty()) errors.push_back({level.where, "escalation with an empty id"});
    // Storage lists a ticket's fired levels one per line, and ids appear in metric labels.
    else if (level.id.find_first_of(" \t\r\n") != std::string::npos)
      errors.push_back({level.where, owner + ": ids may not contain spaces or line breaks"});
    else if (!seen.insert(level.id).second) errors.push_back({level.where, "duplicate escalation " + quoted(level.id)});
    // Above 1000% a level would wait ten times the SLA: almost surely a typo for a smaller one.
    if (level.percent < 1 || level.percent > 1000)
      errors.push_back({level.where, owner + ": `at` must be from 1% to 1000%, got " +
                                         std::to_string(level.percent) + "%"});
    switch (level.action) {
      case EscalationAction::reassign:
        if (!departments.count(level.department))
          errors.push_back({level.where, owner + ": reassign to unknown department " + quoted(level.department)});
        break;
      case EscalationAction::webhook:
        if (!starts_with(level.url, "http://") && !starts_with(level.url, "https://"))
          errors.push_back({level.where, owner + ": webhook URL " + quoted(level.url) +
                                             " must start with http:// or https://"});
        break;
      case EscalationAction::notify_assignee:
      case EscalationAction::notify_head:
        break;
    }
  }
}

}  // namespace

void check_sla(RuleSet::Impl& impl, const std::set<std::string>& departments, Diagnostics& errors) {
  if (impl.spec.calendar) {
    auto calendar = BusinessCalendar::build(*impl.spec.calendar);
    if (calendar) impl.calendar = std::move(*calendar);
    else errors.insert(errors.end(), calendar.error().begin(), calendar.error().end());
  }
  std::set<Priority> priorities;
  for (const PrioritySlaSpec& p : impl.spec.priority_slas) {
    if (!priorities.insert(p.priority).second)
      errors.push_back({p.where, "priority " + quoted(to_string(p.priority)) + " has SLA defaults twice"});
    impl.priority_slas[static_cast<std::size_t>(p.priority)] = {p.first_response, p.resolution};
  }
  for (const DepartmentSpec& d : impl.spec.departments)
    if (!d.head.empty() && d.head.find('@') == std::string::npos)
      errors.push_back({d.where, "department " + quoted(d.id) + ": head " + quoted(d.head) +
                                     " is not an email address"});
  check_levels(impl, departments, errors);
  const DuplicateSpec& dup = impl.spec.duplicates;
  if (dup.window.count() <= 0)
    errors.push_back({dup.where, "duplicates: window must be longer than 0s"});
  std::set<std::string> seen;
  for (const std::string& id : dup.match_fields) {
    if (!impl.fields.count(id)) errors.push_back({dup.where, "duplicates: unknown match field " + quoted(id)});
    else if (!seen.insert(id).second) errors.push_back({dup.where, "duplicates: match field " + quoted(id) + " twice"});
  }
}

}  // namespace triaged::routing
