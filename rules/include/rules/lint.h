// Lint: things a rule set may legally say but almost certainly does not mean. A rule set with
// lint warnings still loads and routes; `triagectl check` prints them, `--strict` fails on
// them. Pure (reads nothing but its argument) and thread-safe.
#pragma once

#include <string>
#include <vector>

#include "rules/rules.h"

namespace triaged::rules {

struct LintWarning {
  std::string where;    // "file:line:column" of the element at fault
  std::string code;     // one of the kinds below, for filtering and tests
  std::string message;
  // "rules.yaml:12:5: warning: <message> [<code>]", as compilers print warnings.
  std::string to_string() const;
};

// Every warning for a rule set that loaded, in this order of kinds:
//
// shadowed-topic   A topic's conditions hold for at least one inline test ticket, and on
//                  every such ticket an earlier topic's conditions hold as well, so routing
//                  (first match wins) never gives the topic any of them. "Its conditions
//                  hold" is decided by routing the ticket through the rule set reduced to
//                  that topic and the default topic; "an earlier topic takes it" by routing
//                  it through the full set. Tickets are routed without their explicit
//                  `topic`, since an operator's choice bypasses conditions. A topic whose
//                  conditions hold for no test ticket is not reported: the tests say nothing
//                  about it.
// duplicate-keyword
//                  A keyword of a topic's `words` (compared as matching compares it:
//                  routing::keyword_key, folded, stemmed, prefixes kept) that alone makes an
//                  earlier topic match: it is reached there through `any` only, not under
//                  `all` with other conditions or under `not`. Every ticket containing it goes
//                  to the earlier topic, so in the later topic it can never count. Keywords
//                  that count only together with other conditions are not reported, nor one
//                  condition reused through a YAML anchor. Reported once per keyword and topic.
// empty-regex      A condition `regex`, or a field's `extract`, that matches the empty
//                  string: it holds on any text, which is rarely the intent (`*` for `+`).
// unused-field     A declared field that no template lists and no `field.NAME` reads.
// unused-template  A template no topic uses.
// unused-department
//                  A department no topic routes to.
std::vector<LintWarning> lint_rules(const LoadedRules& loaded);

}  // namespace triaged::rules
