// Running a rule set's inline `tests:` against the freshly built rules, before the set may
// go live: a rule change that breaks a pinned-down case is a load error, not a surprise.
#pragma once

#include <cstddef>
#include <vector>

#include "routing/routing.h"
#include "routing/rule_spec.h"
#include "rules/cases.h"

namespace triaged::rules {

struct InlineTestResults {
  routing::Diagnostics failures;  // one per failing test, located at the test
  std::size_t passed = 0;
};

InlineTestResults run_inline_tests(const routing::RuleSet& rules,
                                   const std::vector<TestCase>& tests);

}  // namespace triaged::rules
