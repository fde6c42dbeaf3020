// build_rule_set()'s checks of the SLA parts of a rule set: the calendar, per-priority
// defaults, department heads, escalation levels, and the `duplicates` setting. Compiles the calendar and the priority
// table into `impl`.
#pragma once

#include <set>
#include <string>

#include "compiled.h"

namespace triaged::routing {

void check_sla(RuleSet::Impl& impl, const std::set<std::string>& departments, Diagnostics& errors);

}  // namespace triaged::routing
