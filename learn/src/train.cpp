// train_model(): examples -> features (routing::ticket_features) -> liblinear -> ModelData.
#include <linear.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "learn/learn.h"
#include "routing/rule_spec.h"

namespace triaged::learn {
namespace {

void quiet(const char*) {}

// Weights this small change no probability by a visible amount; dropping them keeps the file
// to the features that matter.
constexpr double kNegligible = 0.01;

}  // namespace

std::expected<routing::ModelData, std::string> train_model(const routing::RuleSet& rules,
                                                           const std::vector<Example>& examples,
                                                           const TrainOptions& options) {
  // Topics in rule-set order, only those with examples.
  std::set<std::string> labeled;
  for (const Example& e : examples) {
    if (!rules.has_topic(e.topic))
      return std::unexpected(e.origin + ": topic \"" + e.topic + "\" is not in the rule set");
    labeled.insert(e.topic);
  }
  std::vector<std::string> topics;
  for (const auto& t : rules.spec().topics)
    if (labeled.count(t.id)) topics.push_back(t.id);
  if (topics.size() < 2) return std::unexpected("examples of at least two topics are needed to train a model");
  std::map<std::string, int> label_of;
  for (std::size_t i = 0; i < topics.size(); ++i) label_of[topics[i]] = static_cast<int>(i);

  // Vocabulary in order of first appearance, so the same examples give the same indices.
  std::map<std::string, int> index;
  std::vector<std::string> vocabulary;
  std::vector<std::vector<feature_node>> rows;
  rows.reserve(examples.size());
  for (const Example& e : examples) {
    std::vector<feature_node> row;
    for (const auto& [feature, value] : routing::ticket_features(rules, options.features, e.ticket)) {
      auto [it, fresh] = index.emplace(feature, static_cast<int>(vocabulary.size()) + 1);
      if (fresh) vocabulary.push_back(feature);
      row.push_back({it->second, value});
    }
    rows.push_back(std::move(row));
  }
  const int n_features = static_cast<int>(vocabulary.size());
  std::vector<double> y;
  std::vector<feature_node*> x;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    std::sort(rows[i].begin(), rows[i].end(), [](const feature_node& a, const feature_node& b) { return a.index < b.index; });
    rows[i].push_back({n_features + 1, 1.0});  // the bias feature
    rows[i].push_back({-1, 0});
    y.push_back(label_of[examples[i].topic]);
    x.push_back(rows[i].data());
  }
  problem prob{};
  prob.l = static_cast<int>(rows.size());
  prob.n = n_features + 1;
  prob.y = y.data();
  prob.x = x.data();
  prob.bias = 1;
  parameter param{};
  param.solver_type = L2R_LR;
  param.eps = 0.01;
  param.C = options.c;
  set_print_string_function(quiet);
  if (const char* why = check_parameter(&prob, &param)) return std::unexpected(std::string("liblinear: ") + why);
  model* trained = train(&prob, &param);
  if (trained == nullptr) return std::unexpected("liblinear could not train a model");

  routing::ModelData out;
  out.rule_set = rules.spec().name;
  out.topics = topics;
  out.features = options.features;
  out.examples = examples.size();
  // liblinear numbers classes in order of first appearance; map them back to our topics.
  const int classes = get_nr_class(trained);
  std::vector<int> labels(static_cast<std::size_t>(classes));
  get_labels(trained, labels.data());
  std::vector<int> class_of_topic(topics.size(), -1);
  for (int c = 0; c < classes; ++c) class_of_topic[static_cast<std::size_t>(labels[static_cast<std::size_t>(c)])] = c;
  // Two classes: liblinear keeps one weight vector, for its first label; the other is its negation.
  const auto coef = [&](int feature, std::size_t topic) {
    const int c = class_of_topic[topic];
    if (classes == 2) return c == 0 ? get_decfun_coef(trained, feature, 0) : -get_decfun_coef(trained, feature, 0);
    return get_decfun_coef(trained, feature, c);
  };
  for (std::size_t t = 0; t < topics.size(); ++t) {
    const int c = class_of_topic[t];
    out.bias.push_back(classes == 2 ? (c == 0 ? 1 : -1) * get_decfun_bias(trained, 0) : get_decfun_bias(trained, c));
  }
  for (int f = 1; f <= n_features; ++f) {
    std::vector<float> w(topics.size());
    bool kept = false;
    for (std::size_t t = 0; t < topics.size(); ++t) {
      w[t] = static_cast<float>(coef(f, t));
      kept = kept || std::fabs(w[t]) >= kNegligible;
    }
    if (kept) out.weights.emplace_back(vocabulary[static_cast<std::size_t>(f - 1)], std::move(w));
  }
  free_and_destroy_model(&trained);
  return out;
}

}  // namespace triaged::learn
