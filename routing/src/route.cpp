#include "compiled.h"
#include "fields.h"
#include "match_index.h"
#include "matcher.h"

#include <algorithm>

namespace triaged::routing {

const char* to_string(Priority p) {
  switch (p) {
    case Priority::low: return "low";
    case Priority::normal: return "normal";
    case Priority::high: return "high";
    case Priority::urgent: return "urgent";
  }
  return "normal";
}

const char* to_string(TopicSource s) {
  switch (s) {
    case TopicSource::operator_choice: return "operator";
    case TopicSource::rules: return "rules";
    case TopicSource::default_topic: return "default";
  }
  return "rules";
}

const char* to_string(DuplicateAction a) {
  switch (a) {
    case DuplicateAction::merge: return "merge";
    case DuplicateAction::link: return "link";
    case DuplicateAction::off: return "off";
  }
  return "off";
}

const char* to_string(FieldType t) {
  switch (t) {
    case FieldType::string: return "string";
    case FieldType::text: return "text";
    case FieldType::email: return "email";
    case FieldType::phone: return "phone";
    case FieldType::integer: return "integer";
    case FieldType::decimal: return "decimal";
    case FieldType::date: return "date";
    case FieldType::enumeration: return "enum";
  }
  return "string";
}

const char* to_string(ConditionSpec::Op op) {
  switch (op) {
    case ConditionSpec::Op::words: return "words";
    case ConditionSpec::Op::all_words: return "all_words";
    case ConditionSpec::Op::regex: return "regex";
    case ConditionSpec::Op::equals: return "equals";
    case ConditionSpec::Op::in: return "in";
    case ConditionSpec::Op::exists: return "exists";
  }
  return "words";
}

RuleSet::RuleSet(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RuleSet::~RuleSet() = default;
const RuleSetSpec& RuleSet::spec() const { return impl_->spec; }
const std::string& RuleSet::version() const { return impl_->spec.version; }
std::vector<FieldSpec> fields_of(const RuleSet& rules) {
  std::vector<FieldSpec> out = rules.impl().spec.fields;
  out.insert(out.end(), rules.impl().implicit_fields.begin(), rules.impl().implicit_fields.end());
  return out;
}

namespace {

// Topic indices in rule order: every topic, or only those that can match this ticket (a
// keyword or regex of their trigger occurs, or they have no trigger). Skipping the others
// changes nothing but the trace, since they would have evaluated to false.
std::vector<std::uint32_t> topics_to_try(const RuleSet::Impl& impl, const TicketView& view, Trace trace) {
  std::vector<std::uint32_t> out;
  if (trace == Trace::every_topic) {
    out.resize(impl.topics.size());
    for (std::uint32_t t = 0; t < out.size(); ++t) out[t] = t;
    return out;
  }
  const MatchIndex& index = *impl.index;
  out = index.untriggered_topics;
  for (const PhraseHit& hit : view.hits().phrases)
    if (index.phrase_topic[hit.phrase] != kNoTopic) out.push_back(index.phrase_topic[hit.phrase]);
  for (std::uint32_t id : view.hits().regexes)
    if (index.regex_topic[id] != kNoTopic) out.push_back(index.regex_topic[id]);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace

bool RuleSet::has_topic(const std::string& id) const { return impl_->topics_by_id.count(id) > 0; }

Decision route(const RuleSet& rules, const Ticket& ticket, std::chrono::system_clock::time_point now,
               Trace trace) {
  const RuleSet::Impl& impl = rules.impl();
  Decision d;
  const CompiledTopic* chosen = nullptr;
  if (!ticket.topic.empty()) {
    if (auto it = impl.topics_by_id.find(ticket.topic); it != impl.topics_by_id.end()) {
      chosen = it->second;
      d.source = TopicSource::operator_choice;
    }
  }
  if (chosen == nullptr) {
    TicketView view(ticket, impl);
    for (std::uint32_t t : topics_to_try(impl, view, trace)) {
      const CompiledTopic& topic = impl.topics[t];
      if (!topic.when) continue;
      TopicTrace tried{topic.spec->id, false, {}};
      tried.matched = evaluate(*topic.when, view, tried.conditions);
      d.trace.push_back(std::move(tried));
      if (d.trace.back().matched) {
        chosen = &topic;
        d.source = TopicSource::rules;
        break;
      }
    }
  }
  if (chosen == nullptr) {
    chosen = impl.default_topic;
    d.source = TopicSource::default_topic;
  }
  const TopicSpec& t = *chosen->spec;
  d.topic = t.id;
  d.topic_title = t.title;
  d.department = t.department;
  d.template_id = t.template_id;
  d.priority = t.priority;
  const SlaTargets sla = sla_targets(rules, t.id, t.priority);
  d.sla = sla.resolution;
  d.first_response = sla.first_response;
  if (d.sla.count() > 0) d.due_at = impl.calendar.add(now, d.sla);
  if (d.first_response.count() > 0) d.first_response_due_at = impl.calendar.add(now, d.first_response);
  check_template(impl, *chosen, ticket, d);
  const DuplicateSpec& dup = impl.spec.duplicates;
  d.duplicates.action = t.duplicates.value_or(dup.action);
  d.duplicates.window = dup.window;
  d.duplicates.by_topic = !t.is_default;
  for (const std::string& id : dup.match_fields)
    if (auto it = d.fields.find(id); it != d.fields.end()) d.duplicates.values[id] = it->second.value;
  return d;
}

}  // namespace triaged::routing
