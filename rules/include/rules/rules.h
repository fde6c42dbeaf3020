// rules: YAML rule sets in, a compiled routing::RuleSet out. Loading is strict: unknown keys,
// wrong types, dangling references, bad regexes and failing inline tests are all errors, each
// with file:line:column and the culprit, and a rule set with any error is never returned.
// Functions here are pure apart from reading the file they are given; thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <expected>
#include <functional>
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
  // The learned model the rule set's `model:` names (routing/model.h). A model that cannot be
  // read or does not fit leaves the rules working alone: model_version is then empty and
  // rules->model_problem() says why. Inline tests that fail only for want of the model are
  // counted here rather than refusing the rule set, so a lost model file never stops intake.
  std::string model_version; // "sha256:..." of the model file; empty without a model
  std::size_t tests_failed_without_model = 0;
};

// Reads the file a rule set's `model: {file: ...}` names, or says why it cannot. The default
// reads it from disk, relative to the folder of the rule set's `source`.
using ModelReader = std::function<std::expected<std::string, std::string>(const std::string& file)>;

// Parses, validates, compiles and runs the inline `tests` of the YAML in `text`. `source`
// names it in diagnostics ("rules.yaml:12:5: ...", line and column 1-based, the column in
// characters). Returns every error of the first stage that has any: structure (YAML syntax,
// unknown keys, node kinds), then semantics (build_rule_set: references, regexes, ids), then
// inline tests (one diagnostic per failing test, located at it). Later stages are skipped
// when an earlier one fails, so every error reported is a cause rather than a consequence.
std::expected<LoadedRules, routing::Diagnostics> load_rules_text(std::string_view text,
                                                                 const std::string& source,
                                                                 const ModelReader& read_model = {});

// Reads `path` and calls load_rules_text(). An unreadable file is one diagnostic naming it.
std::expected<LoadedRules, routing::Diagnostics> load_rules_file(const std::string& path);

// The structural step of load_rules_text() alone: YAML syntax, keys, node kinds, priorities,
// durations, field types. Returns the spec (version set, `where` on every element) without
// the semantic checks of routing::build_rule_set() and without running inline tests; for
// tools that show a rule set's structure, and for testing the schema on its own.
std::expected<routing::RuleSetSpec, routing::Diagnostics> parse_rules_text(
    std::string_view text, const std::string& source);

}  // namespace triaged::rules
