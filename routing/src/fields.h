// Template checking: which of the topic's fields the ticket provides (sent, from the
// requester, or extracted from its text), and which are missing or invalid.
#pragma once

#include <optional>
#include <string>

#include "compiled.h"

namespace triaged::routing {

// Why `value` is not a valid `field`, or nullopt when it is.
std::optional<std::string> field_value_problem(const CompiledField& field, const std::string& value);

// Fills decision.fields and decision.problems for the decision's topic template.
void check_template(const RuleSet::Impl& rules, const CompiledTopic& topic, const Ticket& ticket,
                    Decision& decision);

}  // namespace triaged::routing
