// Measuring rules, model and both on labeled examples: held-out folds for the model, so its
// accuracy is never measured on what it was trained on.
#include <algorithm>
#include <random>

#include "learn/learn.h"
#include "routing/rule_spec.h"

namespace triaged::learn {
namespace {

const auto kEpoch = std::chrono::system_clock::time_point{};

// The ticket as a classifier sees it: no explicit topic, no history.
routing::Ticket unlabeled(routing::Ticket t) {
  t.topic.clear();
  return t;
}

std::expected<std::shared_ptr<const routing::RuleSet>, std::string> rebuild(const routing::RuleSet& rules,
                                                                          std::shared_ptr<const routing::TopicModel> model) {
  routing::RuleSetSpec spec = rules.spec();
  // Measuring a rule set without a `model:` setting: the model may decide where nothing matched.
  if (model && (!spec.model || spec.model->use == routing::ModelUse::off)) spec.model = routing::ModelSpec{};
  if (!model) spec.model.reset();
  auto built = routing::build_rule_set(std::move(spec), {std::move(model), ""});
  if (!built) return std::unexpected(built.error().front().to_string());
  return *built;
}

}  // namespace

std::vector<Outcome> evaluate(const routing::RuleSet& rules, const std::vector<Example>& examples) {
  auto alone = rebuild(rules, nullptr);
  std::vector<Outcome> out;
  for (const Example& e : examples) {
    const routing::Ticket t = unlabeled(e.ticket);
    const routing::Decision combined = routing::route(rules, t, kEpoch);
    Outcome o;
    o.expected = e.topic;
    o.origin = e.origin;
    o.combined = combined.topic;
    o.source = routing::to_string(combined.source);
    o.rules = alone ? routing::route(**alone, t, kEpoch).topic : combined.topic;
    if (combined.model) o.model = combined.model->topic;
    out.push_back(std::move(o));
  }
  return out;
}

std::expected<std::vector<Outcome>, std::string> cross_validate(const routing::RuleSet& rules,
                                                                const std::vector<Example>& examples,
                                                                const TrainOptions& options,
                                                                const std::vector<Example>& always_train,
                                                                const std::function<void(int, int)>& progress) {
  const int k = std::max(2, options.folds);
  if (examples.size() < static_cast<std::size_t>(k)) return std::unexpected("fewer examples than folds");
  std::vector<std::size_t> order(examples.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::mt19937 shuffle(20261207);  // fixed: the same examples always fall into the same folds
  std::shuffle(order.begin(), order.end(), shuffle);
  auto alone = rebuild(rules, nullptr);
  if (!alone) return std::unexpected(alone.error());
  std::vector<Outcome> out(examples.size());
  for (int fold = 0; fold < k; ++fold) {
    std::vector<Example> train = always_train;
    std::vector<std::size_t> held;
    for (std::size_t j = 0; j < order.size(); ++j)
      (static_cast<int>(j % static_cast<std::size_t>(k)) == fold ? held.push_back(order[j]), void()
                                                                 : train.push_back(examples[order[j]]));
    auto data = train_model(rules, train, options);
    if (!data) return std::unexpected(data.error());
    auto with_model = rebuild(rules, routing::compile_model(std::move(*data), "fold " + std::to_string(fold + 1)));
    if (!with_model) return std::unexpected(with_model.error());
    for (std::size_t i : held) {
      const routing::Ticket t = unlabeled(examples[i].ticket);
      const routing::Decision combined = routing::route(**with_model, t, kEpoch);
      Outcome& o = out[i];
      o.expected = examples[i].topic;
      o.origin = examples[i].origin;
      o.combined = combined.topic;
      o.source = routing::to_string(combined.source);
      o.rules = routing::route(**alone, t, kEpoch).topic;
      if (combined.model) o.model = combined.model->topic;
    }
    if (progress) progress(fold + 1, k);
  }
  return out;
}

Report score(const std::vector<Outcome>& outcomes, std::string Outcome::*column,
             const std::vector<std::string>& topic_order) {
  Report r;
  std::vector<std::string> topics = topic_order;
  auto index_of = [&](const std::string& t) {
    auto it = std::find(topics.begin(), topics.end(), t);
    if (it != topics.end()) return static_cast<std::size_t>(it - topics.begin());
    topics.push_back(t);
    return topics.size() - 1;
  };
  for (const Outcome& o : outcomes) {
    index_of(o.expected);
    if (!(o.*column).empty()) index_of(o.*column);
  }
  r.topics.resize(topics.size());
  r.confusion.assign(topics.size(), std::vector<std::size_t>(topics.size(), 0));
  for (std::size_t i = 0; i < topics.size(); ++i) r.topics[i].topic = topics[i];
  for (const Outcome& o : outcomes) {
    const std::string& routed = o.*column;
    ++r.total;
    const std::size_t e = index_of(o.expected);
    ++r.topics[e].support;
    if (routed.empty()) continue;
    const std::size_t p = index_of(routed);
    ++r.topics[p].predicted;
    ++r.confusion[e][p];
    if (e == p) ++r.right, ++r.topics[e].right;
  }
  return r;
}

}  // namespace triaged::learn
