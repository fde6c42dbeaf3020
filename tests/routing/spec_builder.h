// Small helpers to write rule sets in C++ for routing tests (routing has no YAML; the
// YAML-in tables live in tests/rules).
#pragma once

#include <string>
#include <vector>

#include "routing/rule_spec.h"

namespace triaged::routing::testing {

inline ConditionSpec leaf(std::string selector, ConditionSpec::Op op, std::vector<std::string> values) {
  ConditionSpec c;
  c.kind = ConditionSpec::Kind::match;
  c.selector = std::move(selector);
  c.op = op;
  c.values = std::move(values);
  c.where = "test";
  return c;
}
inline ConditionSpec words(std::string selector, std::vector<std::string> values) {
  return leaf(std::move(selector), ConditionSpec::Op::words, std::move(values));
}
inline ConditionSpec combine(ConditionSpec::Kind kind, std::vector<ConditionSpec> children) {
  ConditionSpec c;
  c.kind = kind;
  c.children = std::move(children);
  c.where = "test";
  return c;
}

inline TopicSpec topic(std::string id, std::string department, ConditionSpec when) {
  TopicSpec t;
  t.id = std::move(id);
  t.title = t.id;
  t.department = std::move(department);
  t.when = std::move(when);
  t.where = "test:" + t.id;
  return t;
}
inline TopicSpec default_topic(std::string id, std::string department) {
  TopicSpec t;
  t.id = std::move(id);
  t.department = std::move(department);
  t.is_default = true;
  t.where = "test:" + t.id;
  return t;
}

// Departments "logistics", "finance", "support"; languages ru, en; a default topic "other".
inline RuleSetSpec base_spec() {
  RuleSetSpec s;
  s.name = "test";
  s.version = "sha256:test";
  s.languages = {"ru", "en"};
  for (const char* d : {"logistics", "finance", "support"}) s.departments.push_back({d, d, "test"});
  return s;
}

// A web ticket with this text, and the instant route() is told it is.
inline Ticket ticket(std::string subject, std::string body = "") {
  Ticket t;
  t.subject = std::move(subject);
  t.body = std::move(body);
  t.channel = "web";
  return t;
}
inline const auto kNow = std::chrono::system_clock::time_point{} + std::chrono::hours(24 * 20000);

inline std::shared_ptr<const RuleSet> build(RuleSetSpec spec) {
  spec.topics.push_back(default_topic("other", "support"));
  auto built = build_rule_set(std::move(spec));
  if (!built) throw std::runtime_error(built.error().front().to_string());
  return *built;
}

}  // namespace triaged::routing::testing
