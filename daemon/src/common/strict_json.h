// What Boost.JSON's parser accepts but a strict API must not (issue 17): an object naming the
// same member twice (the parser keeps the last, so two readers of one body may disagree) and a
// NUL character in any string or member name. Runs the library's own event parser
// (boost::json::basic_parser) over the text; nothing is parsed by hand.
#pragma once

#include <optional>
#include <string_view>

#include "common/problem.h"

namespace triaged::daemon {

// The first such problem in `json` as a FieldError naming the member by its path
// ("requester.name", "fields.product"; "" for the top level): code "duplicate" for a repeated
// member, "invalid" for a NUL. nullopt for a strict body, or one the parser refuses anyway.
std::optional<FieldError> strict_json_problem(std::string_view json);

}  // namespace triaged::daemon
