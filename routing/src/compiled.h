// The compiled form of a rule set: what build_rule_set() produces and route() walks.
// Everything here is immutable after build; RE2 objects are safe to share across threads.
#pragma once

#include <re2/re2.h>
#include <re2/set.h>

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "routing/calendar.h"
#include "routing/rule_spec.h"
#include "routing/routing.h"
#include "routing/sla.h"
#include "text.h"

namespace triaged::routing {

enum class SelectorKind { subject, body, text, from, from_domain, channel, field, header };

struct Selector {
  SelectorKind kind = SelectorKind::text;
  std::string name;  // field or header name
  std::string label; // as written: "text", "field.order_id"
};

// One word of a keyword phrase: a stem to compare with token stems, or (written `word*`)
// a folded prefix to compare with the start of folded tokens.
struct Term {
  std::string text;
  bool prefix = false;
};

struct Phrase {
  std::string written;
  std::vector<Term> terms;
};

struct CompiledCondition {
  ConditionSpec::Kind kind = ConditionSpec::Kind::match;
  std::vector<CompiledCondition> children;
  Selector selector;
  ConditionSpec::Op op = ConditionSpec::Op::words;
  std::vector<Phrase> phrases;             // words, all_words, near (its first list, then `near_values`)
  std::size_t near_split = 0;              // near: phrases[near_split..] are the second list
  int within = 0;                          // near: most words between the two; 0: same sentence
  Negation negation = Negation::any;       // words, all_words, near
  std::shared_ptr<const re2::RE2> regex;   // regex
  std::vector<std::string> folded_values;  // equals, in
  bool exists = true;
  std::string path;                        // "delivery/when.any[0]"
  std::string description;                 // "text words [курьер, не привезли]"
  std::uint32_t first_phrase = 0;          // words, all_words: phrases[i] has id first_phrase + i
  std::uint32_t regex_id = 0;              // regex: its id in the MatchIndex
};

struct CompiledField {
  const FieldSpec* spec = nullptr;
  std::shared_ptr<const re2::RE2> pattern;
  std::vector<std::shared_ptr<const re2::RE2>> extract;  // tried in order
  std::vector<int> extract_in_set;  // each pattern's index in RuleSet::Impl::extract_set, -1: not in it
};

struct CompiledSignal {
  double weight = 1.0;
  CompiledCondition condition;
};

struct CompiledTopic {
  const TopicSpec* spec = nullptr;
  std::optional<CompiledCondition> when;
  const TemplateSpec* template_spec = nullptr;  // null: no template
  std::optional<CompiledCondition> unless;
  std::vector<CompiledSignal> signals;
};

struct MatchIndex;

struct RuleSet::Impl {
  RuleSetSpec spec;
  std::vector<CompiledTopic> topics;             // in spec order
  const CompiledTopic* default_topic = nullptr;
  std::map<std::string, const CompiledTopic*> topics_by_id;
  std::map<std::string, CompiledField> fields;   // declared plus implicit name/email/phone
  std::vector<FieldSpec> implicit_fields;        // storage for the implicit ones
  std::uint32_t phrase_count = 0;                // ids handed to words/all_words phrases
  std::uint32_t regex_count = 0;                 // ids handed to regex leaves
  std::shared_ptr<const MatchIndex> index;       // every keyword and regex, see match_index.h
  BusinessCalendar calendar;                     // counts every second unless spec.calendar
  std::array<SlaTargets, 4> priority_slas{};     // by Priority, from spec.priority_slas
  NegationWords negation;                        // built-in and the rule set's own
  bool reads_negation = false;                   // some leaf counts only (un)negated words
  std::shared_ptr<const TopicModel> model;       // null: none, or model_problem says why
  std::string model_problem;
  std::unique_ptr<StemmerPool> stemmers;         // lent to each route() for the ticket's words
  // Every field's extract patterns in one automaton: one pass over the subject and one over the
  // body tell which can match, so only those run again for their capture (fields.cpp).
  std::unique_ptr<re2::RE2::Set> extract_set;
};

}  // namespace triaged::routing
