// routing: the core of triaged. A Ticket goes in, a Decision comes out: topic, department,
// priority, due time, the template's missing and invalid fields, and a trace of why.
// route() is pure (no I/O, no clock, no globals) and a RuleSet is immutable once built, so
// any number of threads may route against one shared RuleSet at the same time.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace triaged::routing {

struct Requester {
  std::string name;
  std::string email;
  std::string phone;
};

// A value the requester gave in an earlier ticket, as the caller found it on their profile.
struct KnownValue {
  std::string value;
  std::string from;  // the earlier ticket's ref, for the trace
};

// What happens to a new ticket that repeats an open ticket of the same requester: appended
// to it as a message, created and linked to it as a duplicate, or left alone.
enum class DuplicateAction { merge, link, off };
const char* to_string(DuplicateAction action);

// One request as every channel adapter delivers it: text is UTF-8, already decoded.
struct Ticket {
  std::string subject;
  std::string body;
  Requester requester;
  std::map<std::string, std::string> fields;   // field id -> value as typed/sent
  std::string channel;                          // "web", "phone", "email", "api", ...
  std::string topic;                            // an operator's explicit choice; empty if none
  std::map<std::string, std::string> headers;   // lower-cased header name -> value (email)
  // What the requester's profile knows: field id -> value. route() takes a value from here
  // only for a template field the ticket leaves empty, and only for name, email, phone and
  // fields declared `remember: true`; then the field's source is "history".
  std::map<std::string, KnownValue> known;
};

enum class Priority { low, normal, high, urgent };
const char* to_string(Priority p);

// Where a topic came from: the operator picked it, a topic's conditions matched, the learned
// model decided (no rule matched, or the rules were unsure, and the rule set lets it), or
// nothing matched and the default topic took the ticket.
enum class TopicSource { operator_choice, rules, model, default_topic };
const char* to_string(TopicSource s);

// A span of ticket text that made a condition true. offset/length are UTF-8 byte positions in
// `field` ("subject", "body", "from", "field.order_id", ...); `text` is that span as written.
struct TextMatch {
  std::string field;
  std::size_t offset = 0;
  std::size_t length = 0;
  std::string text;
};

// One leaf condition that was evaluated, e.g. path "delivery/when.any[0]" and
// description "text words [курьер, не привезли]".
struct ConditionTrace {
  std::string path;
  std::string description;
  bool matched = false;
  std::vector<TextMatch> matches;
};

// A topic that was tried, in order (see Trace for which are). Leaves skipped by
// short-circuiting are not listed.
struct TopicTrace {
  std::string topic;
  bool matched = false;                    // `when` held and `unless` did not
  std::vector<ConditionTrace> conditions;  // `when`, then `unless`, then signals
  double score = 0;                        // matched: the topic's weight plus its signals that held
  bool ruled_out = false;                  // `when` held but `unless` held too
};

// A word the model weighed, with its weight for the topic it chose (positive: for it).
struct WeightedWord {
  std::string feature;                     // "w:достав" (a stem), "~w:оплат" (negated), "c:<кур"
  double weight = 0;
};

// What the learned model (model.h) thought of the ticket, whether or not it decided.
struct ModelOpinion {
  std::string version;                     // the model's content hash
  std::string topic;                       // its most probable topic
  double confidence = 0;                   // that topic's probability, 0..1
  std::string runner_up;
  double runner_up_confidence = 0;
  std::vector<WeightedWord> top_words;     // what weighed most for `topic`, strongest first
  bool decided = false;                    // the decision's topic is the model's (source model)
  bool agrees = false;                     // topic equals the rules' choice (or default)
};

// A required field that is absent (code "missing") or a present field that fails its type,
// pattern or limits (code "invalid"). For an at-least-one-of group, `field` is the group
// joined with "|" (e.g. "phone|email").
struct FieldProblem {
  std::string field;
  std::string code;
  std::string message;
};

// A field value routing found for the ticket's template: sent in `fields`, taken from the
// requester (name, email, phone), extracted from the text by the field's `extract` regex, or
// known from the requester's earlier tickets (Ticket::known).
struct ResolvedField {
  std::string value;
  std::string source;  // "ticket" | "requester" | "extracted" | "history"
  std::string from;    // history: the ref of the ticket the value came from
};

// How this ticket is to be matched against the requester's open tickets (DuplicateSpec):
// the action the topic (or the rule set) chose, the window, and the match fields' values.
struct DuplicateCheck {
  DuplicateAction action = DuplicateAction::off;
  std::chrono::seconds window{0};
  bool by_topic = true;                        // false at the default topic: "unknown" is no match
  std::map<std::string, std::string> values;   // match field id -> value, for fields with one
};

struct Decision {
  std::string topic;
  std::string topic_title;
  std::string department;
  std::string template_id;
  Priority priority = Priority::normal;
  std::chrono::seconds sla{0};                    // resolution SLA; 0: neither topic nor priority sets one
  // now + sla, counted in the rule set's business calendar; meaningless when sla is 0.
  std::chrono::system_clock::time_point due_at;
  TopicSource source = TopicSource::rules;
  std::map<std::string, ResolvedField> fields;    // every template field that has a value
  std::vector<FieldProblem> problems;             // missing first, then invalid, in template order
  std::vector<TopicTrace> trace;
  std::chrono::seconds first_response{0};         // 0: no first-response SLA
  std::chrono::system_clock::time_point first_response_due_at;  // as due_at, for first_response
  DuplicateCheck duplicates;
  // How sure the decision is, 0..1: for rules the best score's margin over the runner-up's, as
  // a share of the best (1 when no other topic matched; 0 on a tie); for the model its
  // probability; 1 for an operator's choice; 0 for the default topic.
  double confidence = 0;
  std::string runner_up;                          // the next-best topic; "" if none
  std::optional<ModelOpinion> model;              // none: no model, or the rule set turns it off

  bool complete() const { return problems.empty(); }
  bool has_due() const { return sla.count() > 0; }
};

class RuleSet;
class TopicModel;
struct RuleSetSpec;

// Which topics Decision::trace lists. `candidates`: only topics that could match the ticket
// (one of the keywords or regexes their conditions need occurs in it, or their conditions
// need none), which is all route() evaluates; a topic whose keywords the ticket never
// mentions is skipped unseen, so time per ticket does not grow with the number of topics.
// `every_topic`: every topic before the winner is evaluated and listed, for tools that
// explain why a topic did not match. Both choose the same topic.
enum class Trace { candidates, every_topic };

// Classifies `ticket` against `rules` and checks the chosen topic's template. Never fails:
// an explicit ticket.topic that names a known topic wins (source operator_choice); otherwise
// topics are tried top to bottom and the first whose `when` holds wins; otherwise the default
// topic takes it. An unknown explicit topic is ignored here; callers that must reject it check
// RuleSet::has_topic() first. `now` is the only notion of time route() has.
Decision route(const RuleSet& rules, const Ticket& ticket,
               std::chrono::system_clock::time_point now, Trace trace = Trace::candidates);

// A compiled, immutable rule set. Built only by build_rule_set() (rule_spec.h), which has
// validated every reference and compiled every pattern, so routing cannot fail at match time.
class RuleSet {
 public:
  ~RuleSet();
  RuleSet(const RuleSet&) = delete;
  RuleSet& operator=(const RuleSet&) = delete;

  // The plain-data description this set was built from (topics, templates, fields, ...):
  // what the schema endpoint and tools show.
  const RuleSetSpec& spec() const;
  // Content hash of the rule text it was built from, as the loader set it.
  const std::string& version() const;
  bool has_topic(const std::string& id) const;
  // The learned model route() consults, or null: none configured, or it could not serve this
  // rule set, and then model_problem() says why (the rules work alone meanwhile).
  const TopicModel* model() const;
  const std::string& model_problem() const;

  struct Impl;
  explicit RuleSet(std::unique_ptr<Impl> impl);
  const Impl& impl() const { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace triaged::routing
