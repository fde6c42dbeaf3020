#include "compiled.h"
#include "fields.h"
#include "match_index.h"
#include "matcher.h"
#include "model_internal.h"

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
    case TopicSource::model: return "model";
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
    case ConditionSpec::Op::near: return "near";
  }
  return "words";
}

const char* to_string(Negation n) {
  switch (n) {
    case Negation::any: return "negated or not";
    case Negation::exclude: return "not negated";
    case Negation::only: return "negated only";
  }
  return "negated or not";
}

const char* to_string(DecideBy d) { return d == DecideBy::score ? "score" : "first_match"; }

const char* to_string(ModelUse u) {
  switch (u) {
    case ModelUse::off: return "off";
    case ModelUse::shadow: return "shadow";
    case ModelUse::fallback: return "fallback";
  }
  return "off";
}

RuleSet::RuleSet(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RuleSet::~RuleSet() = default;
const RuleSetSpec& RuleSet::spec() const { return impl_->spec; }
const TopicModel* RuleSet::model() const { return impl_->model.get(); }
const std::string& RuleSet::model_problem() const { return impl_->model_problem; }
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

namespace {

// Evaluates the topics that may match, scores those that do and orders them best first: by
// rule order for first_match, by score (rule order breaking ties) for score. A decisive topic
// that matches ends the search and comes first, as first-match would have it.
std::vector<Candidate> candidates(const RuleSet::Impl& impl, TicketView& view, Trace trace, Decision& d) {
  std::vector<Candidate> matched;
  const bool by_score = impl.spec.decide == DecideBy::score;
  for (std::uint32_t t : topics_to_try(impl, view, trace)) {
    const CompiledTopic& topic = impl.topics[t];
    if (!topic.when) continue;
    TopicTrace tried{topic.spec->id, false, {}};
    bool holds = evaluate(*topic.when, view, tried.conditions);
    if (holds && topic.unless && evaluate(*topic.unless, view, tried.conditions)) {
      tried.ruled_out = true;
      holds = false;
    }
    if (holds) {
      tried.score = topic.spec->weight;
      for (const CompiledSignal& signal : topic.signals)
        if (evaluate(signal.condition, view, tried.conditions)) tried.score += signal.weight;
      matched.push_back({&topic, tried.score});
    }
    tried.matched = holds;
    d.trace.push_back(std::move(tried));
    if (holds && by_score && topic.spec->decisive) {
      std::rotate(matched.begin(), matched.end() - 1, matched.end());
      return matched;
    }
    // First match needs only the winner and the runner-up.
    if (!by_score && matched.size() == 2) break;
  }
  if (by_score)
    std::stable_sort(matched.begin(), matched.end(),
                     [](const Candidate& a, const Candidate& b) { return a.score > b.score; });
  return matched;
}

// The margin of the best candidate over the runner-up, as a share of the best score.
double margin(const std::vector<Candidate>& matched) {
  if (matched.empty()) return 0;
  if (matched.size() == 1 || matched.front().topic->spec->decisive) return 1;
  const double best = matched[0].score, second = std::max(0.0, matched[1].score);
  return best > 0 ? std::clamp((best - second) / best, 0.0, 1.0) : 0;
}

}  // namespace

Decision route(const RuleSet& rules, const Ticket& ticket, std::chrono::system_clock::time_point now,
               Trace trace) {
  const RuleSet::Impl& impl = rules.impl();
  Decision d;
  const CompiledTopic* chosen = nullptr;
  if (!ticket.topic.empty()) {
    if (auto it = impl.topics_by_id.find(ticket.topic); it != impl.topics_by_id.end()) {
      chosen = it->second;
      d.source = TopicSource::operator_choice;
      d.confidence = 1;
    }
  }
  if (chosen == nullptr) {
    TicketView view(ticket, impl);
    const std::vector<Candidate> matched = candidates(impl, view, trace, d);
    if (!matched.empty()) {
      chosen = matched.front().topic;
      d.source = TopicSource::rules;
      d.confidence = margin(matched);
      if (matched.size() > 1) d.runner_up = matched[1].topic->spec->id;
    }
    if (impl.model) chosen = consult_model(impl, view, matched, chosen, d);
  }
  if (chosen == nullptr) {
    chosen = impl.default_topic;
    d.source = TopicSource::default_topic;
    d.confidence = 0;
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
