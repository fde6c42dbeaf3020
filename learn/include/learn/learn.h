// learn: the learned second opinion's training and its measurement. Labeled tickets go in; a
// model (routing/model.h) comes out, trained by liblinear's L2-regularised logistic regression
// over the same word stems the rules match (plus negated words and character n-grams, which
// carry typos and transliteration). Training is deterministic: the same examples in the same
// order give the same model, byte for byte. No I/O here; callers read and write files.
#pragma once

#include <cstddef>
#include <expected>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "routing/model.h"
#include "routing/routing.h"

namespace triaged::learn {

// One labeled ticket: what it says and the topic it belongs to.
struct Example {
  routing::Ticket ticket;
  std::string topic;
  std::string origin;   // where it came from, for reports: "cases.yaml:12", "ticket K7M-3QX"
};

struct TrainOptions {
  routing::FeatureOptions features;
  double c = 30;        // liblinear's C: less regularisation as it grows
  int folds = 5;        // for cross-validation
};

// Trains on `examples` for the topics of `rules` (examples of other topics are an error, so a
// model always fits the rule set it was trained for). Needs examples of at least two topics.
std::expected<routing::ModelData, std::string> train_model(const routing::RuleSet& rules,
                                                           const std::vector<Example>& examples,
                                                           const TrainOptions& options);

// What one routing of a labeled example gave, as `eval` and `train` report it.
struct Outcome {
  std::string expected;
  std::string rules;     // the rules alone (model off)
  std::string model;     // the model alone
  std::string combined;  // rules and model, as route() decides with the rule set's `model:`
  std::string source;    // of the combined decision: rules, model, operator, default
  std::string origin;    // the example's, for listing misroutes
};

// k-fold cross-validation: examples are dealt into `options.folds` folds (after a fixed
// shuffle), each fold is routed with a model trained on the other folds plus `always_train`
// (e.g. the rule set's inline tests, which are never measured here). `progress(done, total)`
// is called after each fold. Deterministic.
std::expected<std::vector<Outcome>, std::string> cross_validate(
    const routing::RuleSet& rules, const std::vector<Example>& examples, const TrainOptions& options,
    const std::vector<Example>& always_train = {}, const std::function<void(int, int)>& progress = {});

// Routes every example with `rules` as loaded (its model, if any) and alone.
std::vector<Outcome> evaluate(const routing::RuleSet& rules, const std::vector<Example>& examples);

// Accuracy, per-topic precision and recall, and the confusion matrix of one column of
// outcomes (a pointer to member of Outcome).
struct TopicScore {
  std::string topic;
  std::size_t support = 0;     // examples labeled with it
  std::size_t predicted = 0;   // examples routed to it
  std::size_t right = 0;
  double precision() const { return predicted ? static_cast<double>(right) / predicted : 0; }
  double recall() const { return support ? static_cast<double>(right) / support : 0; }
};
struct Report {
  std::size_t total = 0;
  std::size_t right = 0;
  std::vector<TopicScore> topics;                      // every topic seen, rule-set order first
  std::vector<std::vector<std::size_t>> confusion;     // [expected][routed], in `topics` order
  double accuracy() const { return total ? static_cast<double>(right) / total : 0; }
};
Report score(const std::vector<Outcome>& outcomes, std::string Outcome::*column,
             const std::vector<std::string>& topic_order);

}  // namespace triaged::learn
