// The lint checks of lint.h, one function per family, each appending to `out`.
#pragma once

#include <vector>

#include "rules/lint.h"

namespace triaged::rules {

// shadowed-topic: routes the inline test tickets (lint_shadowing.cpp).
void lint_shadowed_topics(const LoadedRules& loaded, std::vector<LintWarning>& out);

}  // namespace triaged::rules
