// lint_rules(): the checks that read only the spec (keywords, regexes, unused definitions);
// the one that routes test tickets lives in lint_shadowing.cpp.
#include "rules/lint.h"

#include <re2/re2.h>

#include <map>
#include <set>

#include "lint_checks.h"
#include "yaml_reader.h"

namespace triaged::rules {
namespace {

using routing::ConditionSpec;

struct KeywordUse {
  std::string topic;
  std::string where;
  std::string written;
};

// Calls `visit(leaf, positive)` for every match condition of `c`; `positive` is false under
// an odd number of `not`s, where a keyword keeps a ticket out instead of letting it in.
template <typename Visit>
void walk(const ConditionSpec& c, bool positive, const Visit& visit) {
  if (c.kind == ConditionSpec::Kind::match) {
    visit(c, positive);
    return;
  }
  const bool inner = c.kind == ConditionSpec::Kind::not_ ? !positive : positive;
  for (const auto& child : c.children) walk(child, inner, visit);
}

bool matches_empty(const std::string& pattern) {
  re2::RE2::Options options;
  options.set_log_errors(false);
  const re2::RE2 re(pattern, options);
  return re.ok() && re2::RE2::PartialMatch("", re);
}

// Calls `visit(leaf, alone)` for every positive `words` leaf of `c`; `alone` is true when
// the leaf by itself makes `c` hold (it is reached through `any` only, or an `all` of one).
template <typename Visit>
void walk_keywords(const ConditionSpec& c, bool alone, const Visit& visit) {
  switch (c.kind) {
    case ConditionSpec::Kind::match:
      if (c.op == ConditionSpec::Op::words || c.op == ConditionSpec::Op::all_words)
        visit(c, alone && (c.op == ConditionSpec::Op::words || c.values.size() == 1));
      return;
    case ConditionSpec::Kind::not_:
    case ConditionSpec::Kind::use:  // the named condition is linted where it is defined
      return;  // a keyword under `not` keeps tickets out; sharing it is no conflict
    case ConditionSpec::Kind::any:
      for (const auto& child : c.children) walk_keywords(child, alone, visit);
      return;
    case ConditionSpec::Kind::all:
      for (const auto& child : c.children) walk_keywords(child, alone && c.children.size() == 1, visit);
      return;
  }
}

// A keyword that alone makes an earlier topic match sends every ticket containing it there,
// so the same keyword in a later topic can never bring that topic a ticket. Keywords that
// only count together with other conditions are shared freely and not reported, nor is one
// condition reused in two topics through a YAML anchor (the same `where`).
void lint_duplicate_keywords(const routing::RuleSetSpec& spec, std::vector<LintWarning>& out) {
  std::map<std::string, KeywordUse> decisive;  // keyword key -> the first topic it alone decides
  for (const auto& topic : spec.topics) {
    if (!topic.when) continue;
    std::set<std::string> reported;
    std::vector<std::pair<std::string, KeywordUse>> decides_here;
    walk_keywords(*topic.when, true, [&](const ConditionSpec& leaf, bool alone) {
      for (const auto& written : leaf.values) {
        const std::string key = routing::keyword_key(spec.languages, written);
        if (key.empty()) continue;
        if (alone) decides_here.push_back({key, KeywordUse{topic.id, leaf.where, written}});
        auto it = decisive.find(key);
        if (it == decisive.end() || it->second.where == leaf.where || !reported.insert(key).second) continue;
        const KeywordUse& first = it->second;
        out.push_back({leaf.where, "duplicate-keyword",
                       "keyword " + quote(written) + " of topic " + quote(topic.id) + " can never count: topic " +
                           quote(first.topic) + ", tried first, matches it on its own (as " +
                           quote(first.written) + " at " + first.where + ")"});
      }
    });
    for (auto& [key, use] : decides_here) decisive.try_emplace(key, std::move(use));
  }
}

void lint_empty_regexes(const routing::RuleSetSpec& spec, std::vector<LintWarning>& out) {
  for (const auto& topic : spec.topics) {
    if (!topic.when) continue;
    walk(*topic.when, true, [&](const ConditionSpec& leaf, bool) {
      if (leaf.op != ConditionSpec::Op::regex || leaf.values.size() != 1) return;
      if (!matches_empty(leaf.values[0])) return;
      out.push_back({leaf.where, "empty-regex",
                     "regex " + quote(leaf.values[0]) + " in topic " + quote(topic.id) +
                         " matches the empty string, so it holds on any " + leaf.selector +
                         " (a * or ? where + was meant?)"});
    });
  }
  for (const auto& field : spec.fields)
    for (const std::string& extract : field.extract)
      if (matches_empty(extract))
        out.push_back({field.where, "empty-regex",
                       "extract pattern of field " + quote(field.id) +
                           " matches the empty string, so it finds a value in any text"});
}

void lint_unused(const routing::RuleSetSpec& spec, std::vector<LintWarning>& out) {
  std::set<std::string> used_fields, used_templates, used_departments;
  for (const auto& t : spec.templates) {
    used_fields.insert(t.required.begin(), t.required.end());
    used_fields.insert(t.optional.begin(), t.optional.end());
    for (const auto& group : t.at_least_one_of) used_fields.insert(group.begin(), group.end());
  }
  for (const auto& topic : spec.topics) {
    used_templates.insert(topic.template_id);
    used_departments.insert(topic.department);
    if (!topic.when) continue;
    walk(*topic.when, true, [&](const ConditionSpec& leaf, bool) {
      if (leaf.selector.starts_with("field.")) used_fields.insert(leaf.selector.substr(6));
    });
  }
  for (const auto& f : spec.fields)
    if (!used_fields.count(f.id))
      out.push_back({f.where, "unused-field",
                     "field " + quote(f.id) + " is defined but no template lists it and no condition reads it"});
  for (const auto& t : spec.templates)
    if (!used_templates.count(t.id))
      out.push_back({t.where, "unused-template", "template " + quote(t.id) + " is defined but no topic uses it"});
  for (const auto& d : spec.departments)
    if (!used_departments.count(d.id))
      out.push_back({d.where, "unused-department",
                     "department " + quote(d.id) + " gets no tickets: no topic routes to it"});
}

}  // namespace

std::string LintWarning::to_string() const {
  return (where.empty() ? std::string() : where + ": ") + "warning: " + message + " [" + code + "]";
}

std::vector<LintWarning> lint_rules(const LoadedRules& loaded) {
  std::vector<LintWarning> out;
  if (!loaded.rules) return out;
  const routing::RuleSetSpec& spec = loaded.rules->spec();
  lint_shadowed_topics(loaded, out);
  lint_duplicate_keywords(spec, out);
  lint_empty_regexes(spec, out);
  lint_unused(spec, out);
  return out;
}

}  // namespace triaged::rules
