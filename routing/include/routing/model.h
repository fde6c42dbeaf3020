// The learned second opinion: a linear classifier over a ticket's words that names the topic
// it finds most likely. It is trained elsewhere (learn/, with liblinear) on labeled tickets;
// here it is only data: a text file parsed into an immutable TopicModel that route() reads.
// Prediction is a sparse dot product over the ticket's features, so it stays pure and cheap.
//
// The rules stay authoritative: a rule set's `model:` setting (ModelSpec) says whether the
// model may decide at all (fallback), only be recorded (shadow), or neither (off).
#pragma once

#include <cstddef>
#include <expected>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "routing/routing.h"

namespace triaged::routing {

// What the model reads from a ticket. Recorded in the model file, so a model is read with the
// features it was trained on.
struct FeatureOptions {
  bool negation = true;    // a negated word ("не про доставку") is a feature of its own: "~w:..."
  // Character n-grams of each folded word, with < > at its ends (0: none). They can carry typos
  // and transliteration ("dostavka", "курер"), but cost a lookup each; on the example's labeled
  // tickets words alone scored as well (docs/routing.md), so they are off unless asked for.
  int char_min = 0;
  int char_max = 0;
};

// A model as stored: the topics it knows, a bias per topic and the weights of every feature
// it kept, per topic in `topics` order.
struct ModelData {
  std::string rule_set;                 // the name of the rule set it was trained for
  std::vector<std::string> topics;
  FeatureOptions features;
  std::size_t examples = 0;             // labeled tickets it was trained on
  std::string note;                     // one line: how it was trained and its k-fold accuracy
  std::vector<double> bias;             // by topic
  std::vector<std::pair<std::string, std::vector<float>>> weights;  // feature -> by topic
};

// The model file format: a header of `key value` lines, then one line per feature. Text, so a
// model can be reviewed and diffed like rules. write_model() and parse_model() round-trip.
std::string write_model(const ModelData& model);
// The model in `text`, or what is wrong with it ("line 7: ...").
std::expected<ModelData, std::string> parse_model(std::string_view text);

class TopicModel;

// The compiled model: features hashed for lookup. `version` names it in decisions and logs
// (the loader sets a content hash).
std::shared_ptr<const TopicModel> compile_model(ModelData data, std::string version);
const ModelData& model_data(const TopicModel& model);
const std::string& model_version(const TopicModel& model);

// The features of `ticket` as a model with `options` would read it under `rules` (its
// languages and negation words), each with its value: counts, scaled to unit length. For
// training; route() computes the same without building strings.
std::vector<std::pair<std::string, double>> ticket_features(const RuleSet& rules, const FeatureOptions& options,
                                                            const Ticket& ticket);

// The model's opinion of `ticket` alone, as route() records it (Decision::model), for tools
// that compare the model with the rules (triagectl eval).
ModelOpinion predict(const RuleSet& rules, const TopicModel& model, const Ticket& ticket);

}  // namespace triaged::routing
