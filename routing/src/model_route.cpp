// Where the model may act in route(): what the rule set's `model:` allows, and nothing more.
#include <algorithm>

#include "matcher.h"
#include "model_internal.h"

namespace triaged::routing {
namespace {

double probability_of(const TopicModel& model, const Prediction& p, const std::string& topic) {
  const auto& topics = model.data().topics;
  const auto it = std::find(topics.begin(), topics.end(), topic);
  return it == topics.end() ? 0 : p.probabilities[static_cast<std::size_t>(it - topics.begin())];
}

}  // namespace

const CompiledTopic* consult_model(const RuleSet::Impl& impl, const TicketView& view,
                                   const std::vector<Candidate>& matched, const CompiledTopic* chosen, Decision& d) {
  const TopicModel& model = *impl.model;
  const ModelSpec spec = impl.spec.model.value_or(ModelSpec{"", ModelUse::shadow});
  const Prediction p = predict_tokens(model, view.tokens(0), view.tokens(1));
  ModelOpinion o = opinion_of(model, p);
  const std::string& default_id = impl.default_topic->spec->id;
  o.agrees = o.topic == (chosen ? chosen->spec->id : default_id);

  const CompiledTopic* pick = nullptr;
  if (spec.use == ModelUse::fallback) {
    const bool decisive = !matched.empty() && matched.front().topic->spec->decisive;
    if (matched.empty()) {
      // Nothing matched: the model may name a topic the rules' keywords did not reach.
      if (o.confidence >= spec.min_confidence && o.topic != default_id) pick = impl.topics_by_id.at(o.topic);
    } else if (!decisive && spec.override_above > 0 && !o.agrees && o.confidence >= spec.override_above) {
      pick = impl.topics_by_id.at(o.topic);
    } else if (!decisive && spec.unsure_below > 0 && d.confidence < spec.unsure_below) {
      // The rules are torn between candidates: the one the model finds likeliest, if it is sure enough.
      const Candidate* best = nullptr;
      double best_p = -1;
      for (const Candidate& c : matched) {
        const double cp = probability_of(model, p, c.topic->spec->id);
        if (cp > best_p) best_p = cp, best = &c;
      }
      if (best != nullptr && best->topic != chosen && best_p >= spec.min_confidence) pick = best->topic;
    }
  }
  if (pick != nullptr) {
    d.runner_up = chosen ? chosen->spec->id : (o.topic == pick->spec->id ? o.runner_up : o.topic);
    d.source = TopicSource::model;
    d.confidence = probability_of(model, p, pick->spec->id);
    o.decided = true;
    chosen = pick;
  }
  d.model = std::move(o);
  return chosen;
}

}  // namespace triaged::routing
