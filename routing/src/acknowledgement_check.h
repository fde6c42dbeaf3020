// The `acknowledgement` block's checks, run by build_rule_set() (acknowledgement_check.cpp).
#pragma once

#include "routing/rule_spec.h"

namespace triaged::routing {

// Appends one located error per unknown topic, unknown placeholder or unsupported language.
void check_acknowledgement(const RuleSetSpec& spec, Diagnostics& errors);

}  // namespace triaged::routing
