// The `acknowledgement` and `satisfaction` blocks' checks, run by build_rule_set()
// (acknowledgement_check.cpp).
#pragma once

#include "routing/rule_spec.h"

namespace triaged::routing {

// Appends one located error per unknown topic, unknown placeholder or unsupported language.
void check_acknowledgement(const RuleSetSpec& spec, Diagnostics& errors);
// The same for `satisfaction`, with its own placeholders, and rating_days in 1..90.
void check_satisfaction(const RuleSetSpec& spec, Diagnostics& errors);

}  // namespace triaged::routing
