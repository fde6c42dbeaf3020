// The plain-data form of a rule set and the one function that compiles it. Whoever reads
// rules from a file (rules/ reads YAML) fills a RuleSetSpec, with `where` set to a source
// location on every element, and calls build_rule_set(). Every semantic check lives here:
// dangling references, duplicate ids, bad regexes, unknown languages, a missing or second
// default topic. Errors carry the element's `where`, so the admin sees file:line:column.
#pragma once

#include <chrono>
#include <expected>
#include <memory>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "routing/routing.h"

namespace triaged::routing {

// A problem with an input, located: `where` is "file:line:column" for rules, or a field name
// for a request. to_string() gives "where: message".
struct Diagnostic {
  std::string where;
  std::string message;
  std::string to_string() const { return where.empty() ? message : where + ": " + message; }
};
using Diagnostics = std::vector<Diagnostic>;

// The rule set's `duplicates:` setting. A new ticket repeats an open ticket of the same
// requester created within `window` when one of `match_fields` has the same value in both, or
// when both have the same (non-default) topic and no match field differs.
struct DuplicateSpec {
  std::chrono::seconds window{7 * 24 * 3600};
  std::vector<std::string> match_fields;  // field ids, e.g. {"order_id"}
  DuplicateAction action = DuplicateAction::merge;
  std::string where;
};

struct DepartmentSpec {
  std::string id;
  std::string title;
  std::string where;
  std::string head;                     // email of the department's head; "" if none
};

enum class FieldType { string, text, email, phone, integer, decimal, date, enumeration };
const char* to_string(FieldType t);

struct FieldSpec {
  std::string id;
  std::string title;
  FieldType type = FieldType::string;
  std::optional<std::string> pattern;   // RE2, must match the whole value
  // RE2s tried in order, each over the subject then the body; capture group 1 is the value.
  std::vector<std::string> extract;
  std::optional<double> min;            // integer, decimal: value; string/text: length
  std::optional<double> max;
  std::vector<std::string> values;      // enumeration
  // A value that belongs to the requester rather than to one request (a loyalty card, an
  // address): kept on the requester's profile and offered to later tickets that lack it.
  // name, email and phone are always remembered.
  bool remember = false;
  std::string where;
};

struct TemplateSpec {
  std::string id;
  std::vector<std::string> required;
  std::vector<std::string> optional;
  std::vector<std::vector<std::string>> at_least_one_of;  // e.g. {{"phone", "email"}}
  std::string where;
};

// Which occurrences of a `words`/`all_words`/`near` keyword count: every one, only those not
// negated in their clause ("не", "нет", "без", "not", "no", "never", "n't" just before the
// keyword, or "нет", "не нужно", "not needed" just after it), or only negated ones.
enum class Negation { any, exclude, only };
const char* to_string(Negation n);

// A condition tree. A `match` node tests one selector with one operator; all/any/not combine;
// `use` stands for the named condition `ref` (RuleSetSpec::conditions).
struct ConditionSpec {
  enum class Kind { all, any, not_, match, use };
  enum class Op { words, all_words, regex, equals, in, exists, near };

  Kind kind = Kind::match;
  std::vector<ConditionSpec> children;  // all, any: one or more; not: exactly one
  // Selectors: subject, body, text, from, from_domain, channel, field.NAME, header.NAME.
  std::string selector;
  Op op = Op::words;
  std::vector<std::string> values;      // words/all_words/near phrases, regex (one), equals (one), in
  bool exists = true;                   // for Op::exists
  Negation negation = Negation::any;    // words, all_words, near
  // near: one of `values` and one of `near_values` occur with at most `within` words between
  // them, in the same sentence; within 0: anywhere in the same sentence.
  std::vector<std::string> near_values;
  int within = 0;
  std::string ref;                      // Kind::use: the named condition
  std::string where;
};

// A condition defined once under `conditions:` and used by name (`use: NAME`) in any topic.
struct NamedConditionSpec {
  std::string id;
  ConditionSpec condition;
  std::string where;
};

// A weighted condition of a topic: adds `weight` (which may be negative) to the topic's score
// when it holds, once the topic's `when` holds.
struct SignalSpec {
  double weight = 1.0;
  ConditionSpec condition;
  std::string where;
};
const char* to_string(ConditionSpec::Op op);

// A text staff may insert into a reply on a ticket of the topic (`canned:`). Placeholders
// {ref}, {name}, {topic} and {department} are filled by whoever inserts it; the reader
// refuses any other.
struct CannedAnswerSpec {
  std::string title;
  std::string text;
  std::string where;
};

// A short answer shown before a ticket is made (`answers:`): classify returns the decided
// topic's answers, an operator reads one out or a web form shows it, and "this answered my
// question" is counted as a deflected ticket under the topic and `id`.
struct AnswerSpec {
  std::string id;                       // unique within the topic
  std::string title;
  std::string text;
  std::string url;                      // "" or an http(s) URL with more
  std::string where;
};

struct TopicSpec {
  std::string id;
  std::string title;
  std::string department;
  std::string template_id;              // empty: no fields required
  Priority priority = Priority::normal;
  std::chrono::seconds sla{0};
  std::optional<ConditionSpec> when;    // required unless is_default
  bool is_default = false;
  std::string where;
  std::chrono::seconds first_response{0};  // 0: the priority's default, else no such SLA
  std::optional<DuplicateAction> duplicates;  // none: the rule set's `duplicates.action`
  // Scoring (DecideBy::score): a topic whose `when` holds and `unless` does not scores
  // `weight` plus the weights of its signals that hold; the best score wins. A decisive topic
  // that holds wins before any score is compared (the first such in rule order).
  std::optional<ConditionSpec> unless;  // rules the topic out when it holds
  double weight = 1.0;
  std::vector<SignalSpec> signals;
  bool decisive = false;
  std::vector<CannedAnswerSpec> canned;  // in rule order
  std::vector<AnswerSpec> answers;       // in rule order
};

// How the topic is chosen among those whose conditions hold: the first in rule order, or the
// best score (rule order breaking ties). Either way every such topic is a candidate, and the
// decision names the runner-up.
enum class DecideBy { first_match, score };
const char* to_string(DecideBy d);

// Where the learned model (model.h) may decide: never (off), only to be recorded beside the
// rules' decision (shadow), or when no rule matched or the rules are unsure (fallback).
enum class ModelUse { off, shadow, fallback };
const char* to_string(ModelUse u);

struct ModelSpec {
  std::string file;                     // as written in the rule set, relative to it
  ModelUse use = ModelUse::fallback;
  double min_confidence = 0.5;          // the model's probability it needs to decide
  // The rules are unsure when their margin (Decision::confidence) is below this; the model then
  // picks among the rules' candidates. 0: the model never overrides a matched rule.
  double unsure_below = 0.0;
  // The model overrides a matched (non-decisive) rule when it is at least this sure of another
  // topic. 0: never.
  double override_above = 0.0;
  std::string where;
};

// Extra negation words of a rule set, added to the built-in ones of its languages.
struct NegationSpec {
  std::vector<std::string> before;      // negate a keyword up to 3 words after them: "не", "no"
  std::vector<std::string> after;       // negate a keyword up to 3 words before them: "нет", "не нужно"
  std::string where;
};

// --- SLA and escalation (sla.h, calendar.h) ----------------------------------------------

// A business calendar: deadlines are counted only in working hours of working days, in the
// calendar's own time zone. Without one, every second counts.
struct WorkingHours {
  int start_minute = 0;                 // minutes after local midnight
  int end_minute = 0;                   // after start_minute, at most 24 * 60
};
struct CivilDate {
  int year = 0;
  int month = 0;
  int day = 0;
};
struct CalendarSpec {
  std::string time_zone;                // IANA name: "Europe/Moscow", "UTC"
  std::vector<int> working_days;        // ISO weekdays: 1 Monday .. 7 Sunday
  std::vector<WorkingHours> hours;      // the same on every working day, ascending
  std::vector<CivilDate> holidays;      // local dates without working hours
  std::string where;
};

// The SLA a topic without its own takes from its priority, per kind.
struct PrioritySlaSpec {
  Priority priority = Priority::normal;
  std::chrono::seconds first_response{0};
  std::chrono::seconds resolution{0};
  std::string where;
};

enum class SlaKind { first_response, resolution };
const char* to_string(SlaKind kind);

enum class EscalationAction { notify_assignee, notify_head, reassign, webhook };
const char* to_string(EscalationAction action);

// One escalation level: when `percent` of a ticket's `sla` has passed in business time (and,
// for first_response, nobody has responded yet), `action` runs once for that ticket.
struct EscalationSpec {
  std::string id;                       // names the level in events; fired once per ticket
  SlaKind sla = SlaKind::resolution;
  int percent = 100;
  EscalationAction action = EscalationAction::notify_head;
  std::string department;               // reassign: the department that takes the ticket
  std::string url;                      // webhook: http:// or https://
  std::string secret_env;               // webhook: variable holding the HMAC key; "": daemon's
  std::string where;
};

// --- The customer's side (docs/customer.md) -------------------------------------------------

// The message a requester with an e-mail address gets when their ticket is created. Texts are
// templates: {ref} {name} {topic} {department} {due} {missing} {status_link}; "" means the
// rule set's own text, and there the built-in one of the customer's language.
struct AcknowledgementTextSpec {
  std::optional<bool> enabled;          // none: as the rule set says
  std::string subject;
  std::string text;
  std::string where;
};
struct AcknowledgementSpec {
  bool enabled = true;
  std::string language;                 // "ru" | "en"; "": the rule set's first language
  std::vector<std::string> off_channels;  // tickets of these channels are never acknowledged
  std::string subject;
  std::string text;
  std::map<std::string, AcknowledgementTextSpec> topics;  // by topic id
  std::string where;
};
// The placeholders an acknowledgement text may use, each as written: "{ref}", ...
const std::vector<std::string>& acknowledgement_placeholders();

// The satisfaction survey a requester with an e-mail address gets once, when their ticket is
// first resolved (docs/customer.md). The same shape as the acknowledgement, with its own
// placeholders ({ref} {name} {topic} {department} {good_link} {bad_link} {status_link} {days})
// and how many days a rating stays open to change.
struct SatisfactionSpec {
  AcknowledgementSpec mail;             // enabled, language, off_channels, texts, topics
  int rating_days = 7;                  // 1..90
};
const std::vector<std::string>& satisfaction_placeholders();

struct RuleSetSpec {
  std::string name;
  std::string version;                  // content hash of the source text
  std::vector<std::string> languages;   // Snowball language codes: "ru", "en", "de", ...
  std::vector<DepartmentSpec> departments;
  std::vector<FieldSpec> fields;        // name, email and phone exist implicitly unless declared
  std::vector<TemplateSpec> templates;
  std::vector<TopicSpec> topics;        // tried in this order
  std::optional<CalendarSpec> calendar; // none: every second counts
  std::vector<PrioritySlaSpec> priority_slas;
  std::vector<EscalationSpec> escalations;
  DuplicateSpec duplicates;
  std::vector<NamedConditionSpec> conditions;
  DecideBy decide = DecideBy::first_match;
  std::optional<ModelSpec> model;
  NegationSpec negation;
  std::optional<AcknowledgementSpec> acknowledgement;  // none: no acknowledgements
  std::optional<SatisfactionSpec> satisfaction;        // none: no surveys, no ratings
};

// The model a rule set's `model:` names, as its loader found it: compiled, or the reason it
// could not be read ("missing", "line 3: ..."). Either way the rules are built.
struct ModelInput {
  std::shared_ptr<const TopicModel> model;
  std::string problem;
};

// Validates and compiles `spec`. Returns the immutable RuleSet, or every problem found (not
// just the first), each located by the offending element's `where`. A model that cannot serve
// the rule set (model_mismatch()) is not an error: the set is built without it and says why
// in RuleSet::model_problem().
std::expected<std::shared_ptr<const RuleSet>, Diagnostics> build_rule_set(RuleSetSpec spec, ModelInput model = {});

// Why `model` cannot serve a rule set with `spec`'s topics, or "" when it can.
std::string model_mismatch(const TopicModel& model, const RuleSetSpec& spec);

// Every field `rules` knows: the declared ones in order, then the implicit name, email and
// phone that the rule set did not declare itself.
std::vector<FieldSpec> fields_of(const RuleSet& rules);

// The form in which `words` and `all_words` compare the keyword `phrase` with ticket text
// under `languages`: each word case-folded and stemmed, or folded and marked "*" when written
// as a prefix, joined by spaces ("курьер*" -> "курьер*", "Заказами" -> "заказ"). Two keywords
// with equal keys match exactly the same text; "" for a phrase without letters or digits.
// Unsupported language codes are ignored.
std::string keyword_key(const std::vector<std::string>& languages, std::string_view phrase);

// Languages build_rule_set() accepts, as codes ("ru", "en", ...).
std::vector<std::string> supported_languages();

}  // namespace triaged::routing
