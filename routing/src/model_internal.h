// The compiled TopicModel and what route() asks of it. Private to routing.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "compiled.h"
#include "routing/model.h"

namespace triaged::routing {

class TicketView;

class TopicModel {
 public:
  TopicModel(ModelData data, std::string version);
  const ModelData& data() const { return data_; }
  const std::string& version() const { return version_; }
  // Row of data().weights for a feature hash (feature_hash()), or -1.
  std::int64_t row(std::uint64_t hash) const {
    auto it = rows_.find(hash);
    return it == rows_.end() ? -1 : static_cast<std::int64_t>(it->second);
  }
  // A row's weight for each topic, from one contiguous table: a ticket's few dozen rows are
  // read per route(), and one array keeps them off separate heap blocks.
  const float* weights(std::uint32_t row) const { return flat_.data() + std::size_t{row} * data_.topics.size(); }

 private:
  ModelData data_;
  std::string version_;
  std::unordered_map<std::uint64_t, std::uint32_t> rows_;
  std::vector<float> flat_;
};

// The model's probability for each of its topics (data().topics order) given the words of the
// subject and body, and the features that contributed, for explaining the winner.
struct Prediction {
  std::vector<double> probabilities;
  std::vector<std::pair<std::uint32_t, double>> present;  // model row, feature value
};
Prediction predict_tokens(const TopicModel& model, const std::vector<Token>& subject, const std::vector<Token>& body);

// The opinion route() records, from a prediction.
ModelOpinion opinion_of(const TopicModel& model, const Prediction& p);

// Runs the model for route() and lets it decide where the rule set allows: returns the topic
// chosen (the rules' `chosen`, or the model's), filling d.model, d.source, d.confidence and
// d.runner_up when the model decides.
struct Candidate {
  const CompiledTopic* topic = nullptr;
  double score = 0;
};
const CompiledTopic* consult_model(const RuleSet::Impl& impl, const TicketView& view,
                                   const std::vector<Candidate>& matched, const CompiledTopic* chosen, Decision& d);

}  // namespace triaged::routing
