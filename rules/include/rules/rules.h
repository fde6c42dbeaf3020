// rules: YAML rule sets in, a compiled routing::RuleSet out. Loading is strict: unknown keys,
// wrong types, dangling references, bad regexes and failing inline tests are all errors, each
// with file:line:column and the culprit, and a rule set with any error is never returned.
// Functions here are pure apart from reading the file they are given; thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <expected>
#include <memory>
#include <string>
#include <string_view>

#include "routing/rule_spec.h"
#include "routing/routing.h"

namespace triaged::rules {

struct LoadedRules {
  std::shared_ptr<const routing::RuleSet> rules;
  std::string source;        // the path (or name) it was loaded from
  std::string text;          // the YAML as read, for storage's rule_sets history
  std::string version;       // "sha256:<first 16 hex digits>" of text; equals rules->version()
  std::size_t tests_passed = 0;
};

// Parses, validates, compiles and runs the inline `tests` of the YAML in `text`. `source`
// names it in diagnostics ("rules.yaml:12:5: ..."). Returns every error found; a failing
// inline test is an error located at that test.
std::expected<LoadedRules, routing::Diagnostics> load_rules_text(std::string_view text,
                                                                 const std::string& source);

// Reads `path` and calls load_rules_text(). An unreadable file is one diagnostic naming it.
std::expected<LoadedRules, routing::Diagnostics> load_rules_file(const std::string& path);

}  // namespace triaged::rules
