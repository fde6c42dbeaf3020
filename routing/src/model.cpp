// The model file format, the compiled TopicModel, and feature extraction. Features are what
// training (learn/) and prediction (route()) must agree on exactly, so both come from one
// visitor: training asks for strings, prediction for hashes of the same bytes.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

#include "model_internal.h"

namespace triaged::routing {
namespace {

constexpr std::string_view kMagic = "triaged-model 1";

// FNV-1a over the pieces of a feature, as if they were one string.
class FeatureHash {
 public:
  FeatureHash& add(std::string_view bytes) {
    for (char c : bytes) {
      h_ ^= static_cast<unsigned char>(c);
      h_ *= 1099511628211ull;
    }
    return *this;
  }
  std::uint64_t value() const { return h_; }

 private:
  std::uint64_t h_ = 14695981039346656037ull;
};

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Calls visit(prefix, text) for every feature occurrence of the tokens; a feature is the
// concatenation prefix + text. Numbers count only by their length ("w:#8": an order number).
template <typename Visit>
void visit_features(const std::vector<Token>& tokens, const FeatureOptions& options, Visit&& visit) {
  static constexpr std::string_view kDigitLengths[] = {"#1", "#2", "#3", "#4", "#5", "#6", "#7", "#8", "#9", "#10+"};
  std::vector<std::size_t> starts;
  std::string bounded;
  for (const Token& t : tokens) {
    if (all_digits(t.folded)) {
      visit("w:", kDigitLengths[std::min<std::size_t>(t.folded.size(), 10) - 1]);
      continue;
    }
    visit(options.negation && t.negated() ? "~w:" : "w:", t.stem);
    if (options.char_max <= 0) continue;
    // Character n-grams of "<word>", counted in code points.
    bounded.assign("<").append(t.folded).append(">");
    starts.clear();
    for (std::size_t i = 0; i < bounded.size(); ++i)
      if ((static_cast<unsigned char>(bounded[i]) & 0xC0) != 0x80) starts.push_back(i);
    starts.push_back(bounded.size());
    const std::size_t chars = starts.size() - 1;
    for (std::size_t n = static_cast<std::size_t>(std::max(1, options.char_min));
         n <= static_cast<std::size_t>(options.char_max) && n <= chars; ++n)
      for (std::size_t i = 0; i + n <= chars; ++i)
        visit("c:", std::string_view(bounded).substr(starts[i], starts[i + n] - starts[i]));
  }
}

// Four significant digits: probabilities move in the fifth, and the file stays half the size.
std::string format_number(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.4g", v);
  return buffer;
}

std::vector<std::string_view> split(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && line[i] == ' ') ++i;
    const std::size_t start = i;
    while (i < line.size() && line[i] != ' ') ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

bool parse_double(std::string_view s, double& out) {
  const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size() && std::isfinite(out);
}

bool parse_int(std::string_view s, long long& out) {
  const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

std::vector<Token> analyzed(const RuleSet::Impl& impl, std::string_view text, Stemmers& stemmers) {
  std::vector<Token> tokens = analyze(text, stemmers);
  mark_negations(tokens, impl.negation);
  return tokens;
}

}  // namespace

std::string write_model(const ModelData& m) {
  std::string out(kMagic);
  out += "\nrule-set " + m.rule_set;
  out += "\ntopics";
  for (const auto& t : m.topics) out += " " + t;
  out += "\nfeatures negation " + std::string(m.features.negation ? "yes" : "no") + " chars " +
         std::to_string(m.features.char_min) + " " + std::to_string(m.features.char_max);
  out += "\nexamples " + std::to_string(m.examples);
  out += "\nnote " + m.note;
  out += "\nbias";
  for (double b : m.bias) out += " " + format_number(b);
  out += "\nweights " + std::to_string(m.weights.size()) + "\n";
  for (const auto& [feature, weights] : m.weights) {
    out += feature;
    for (float w : weights) out += " " + format_number(w);
    out += "\n";
  }
  return out;
}

std::expected<ModelData, std::string> parse_model(std::string_view text) {
  ModelData m;
  std::size_t line_no = 0;
  auto fail = [&](const std::string& why) {
    return std::unexpected("line " + std::to_string(line_no) + ": " + why);
  };
  std::size_t pos = 0;
  auto next_line = [&](std::string_view& line) {
    if (pos >= text.size()) return false;
    const std::size_t end = std::min(text.find('\n', pos), text.size());
    line = text.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos = end + 1;
    ++line_no;
    return true;
  };
  std::string_view line;
  if (!next_line(line) || line != kMagic) return fail("not a triaged model (expected \"" + std::string(kMagic) + "\")");
  long long expected_weights = -1;
  while (expected_weights < 0 && next_line(line)) {
    const std::size_t space = line.find(' ');
    const std::string_view key = line.substr(0, space);
    const std::string_view rest = space == std::string_view::npos ? std::string_view() : line.substr(space + 1);
    const auto items = split(rest);
    if (key == "rule-set") {
      m.rule_set = std::string(rest);
    } else if (key == "topics") {
      for (auto t : items) m.topics.emplace_back(t);
    } else if (key == "features") {
      long long lo = 0, hi = 0;
      if (items.size() != 5 || items[0] != "negation" || (items[1] != "yes" && items[1] != "no") ||
          items[2] != "chars" || !parse_int(items[3], lo) || !parse_int(items[4], hi) || lo < 0 || hi > 8 || lo > hi)
        return fail("features: expected \"negation yes|no chars MIN MAX\"");
      m.features.negation = items[1] == "yes";
      m.features.char_min = static_cast<int>(lo);
      m.features.char_max = static_cast<int>(hi);
    } else if (key == "examples") {
      long long n = 0;
      if (items.size() != 1 || !parse_int(items[0], n) || n < 0) return fail("examples: expected a count");
      m.examples = static_cast<std::size_t>(n);
    } else if (key == "note") {
      m.note = std::string(rest);
    } else if (key == "bias") {
      for (auto b : items) {
        double v = 0;
        if (!parse_double(b, v)) return fail("bias: not a number: " + std::string(b));
        m.bias.push_back(v);
      }
    } else if (key == "weights") {
      if (items.size() != 1 || !parse_int(items[0], expected_weights) || expected_weights < 0)
        return fail("weights: expected a count");
    } else {
      return fail("unknown key \"" + std::string(key) + "\"");
    }
  }
  if (m.topics.size() < 2) return fail("a model needs at least two topics");
  if (m.bias.size() != m.topics.size()) return fail("bias: one number per topic expected");
  if (expected_weights < 0) return fail("no weights");
  m.weights.reserve(static_cast<std::size_t>(expected_weights));
  while (next_line(line)) {
    if (line.empty()) continue;
    const auto items = split(line);
    if (items.size() != m.topics.size() + 1) return fail("expected a feature and one weight per topic");
    std::vector<float> weights;
    for (std::size_t i = 1; i < items.size(); ++i) {
      double v = 0;
      if (!parse_double(items[i], v)) return fail("not a number: " + std::string(items[i]));
      weights.push_back(static_cast<float>(v));
    }
    m.weights.emplace_back(std::string(items[0]), std::move(weights));
  }
  if (m.weights.size() != static_cast<std::size_t>(expected_weights))
    return fail("expected " + std::to_string(expected_weights) + " weights, found " + std::to_string(m.weights.size()));
  return m;
}

TopicModel::TopicModel(ModelData data, std::string version) : data_(std::move(data)), version_(std::move(version)) {
  rows_.reserve(data_.weights.size());
  flat_.reserve(data_.weights.size() * data_.topics.size());
  for (std::uint32_t r = 0; r < data_.weights.size(); ++r) {
    rows_.emplace(FeatureHash().add(data_.weights[r].first).value(), r);
    const auto& w = data_.weights[r].second;  // parse_model() checked the width; be safe for built data
    for (std::size_t k = 0; k < data_.topics.size(); ++k) flat_.push_back(k < w.size() ? w[k] : 0.0f);
  }
}

std::shared_ptr<const TopicModel> compile_model(ModelData data, std::string version) {
  return std::make_shared<const TopicModel>(std::move(data), std::move(version));
}
const ModelData& model_data(const TopicModel& model) { return model.data(); }
const std::string& model_version(const TopicModel& model) { return model.version(); }

std::string model_mismatch(const TopicModel& model, const RuleSetSpec& spec) {
  std::vector<std::string> unknown;
  for (const auto& t : model.data().topics) {
    const bool known = std::any_of(spec.topics.begin(), spec.topics.end(), [&](const TopicSpec& s) { return s.id == t; });
    if (!known) unknown.push_back(t);
  }
  if (unknown.empty()) return "";
  std::string list;
  for (const auto& u : unknown) list += (list.empty() ? "" : ", ") + u;
  return "the model was trained for other topics (" + list + " not in this rule set); retrain it with triagectl train";
}

std::vector<std::pair<std::string, double>> ticket_features(const RuleSet& rules, const FeatureOptions& options,
                                                            const Ticket& ticket) {
  const RuleSet::Impl& impl = rules.impl();
  const StemmerPool::Lease lease = impl.stemmers->lease();
  Stemmers& stemmers = *lease;
  std::vector<std::pair<std::string, double>> counts;
  for (std::string_view text : {std::string_view(ticket.subject), std::string_view(ticket.body)}) {
    visit_features(analyzed(impl, text, stemmers), options, [&](std::string_view prefix, std::string_view rest) {
      std::string f(prefix);
      f += rest;
      counts.emplace_back(std::move(f), 1.0);
    });
  }
  std::sort(counts.begin(), counts.end());
  std::vector<std::pair<std::string, double>> out;
  for (auto& c : counts) {
    if (!out.empty() && out.back().first == c.first) out.back().second += 1;
    else out.push_back(std::move(c));
  }
  double norm = 0;
  for (const auto& [f, v] : out) norm += v * v;
  norm = std::sqrt(norm);
  for (auto& [f, v] : out) v /= norm;
  return out;
}

Prediction predict_tokens(const TopicModel& model, const std::vector<Token>& subject, const std::vector<Token>& body) {
  const ModelData& m = model.data();
  std::vector<std::uint64_t> hashes;
  for (const auto* tokens : {&subject, &body})
    visit_features(*tokens, m.features, [&](std::string_view prefix, std::string_view rest) {
      hashes.push_back(FeatureHash().add(prefix).add(rest).value());
    });
  std::sort(hashes.begin(), hashes.end());
  Prediction p;
  double norm = 0;
  for (std::size_t i = 0; i < hashes.size();) {
    std::size_t j = i;
    while (j < hashes.size() && hashes[j] == hashes[i]) ++j;
    const double count = static_cast<double>(j - i);
    norm += count * count;
    if (const std::int64_t row = model.row(hashes[i]); row >= 0) p.present.emplace_back(static_cast<std::uint32_t>(row), count);
    i = j;
  }
  norm = norm > 0 ? std::sqrt(norm) : 1;
  std::vector<double> decision = m.bias;
  for (auto& [row, value] : p.present) {
    value /= norm;
    const float* weights = model.weights(row);
    for (std::size_t k = 0; k < decision.size(); ++k) decision[k] += value * weights[k];
  }
  // One-vs-rest logistic regression, as liblinear's predict_probability: each topic's sigmoid,
  // normalised to sum to one.
  double sum = 0;
  for (double& v : decision) {
    v = 1 / (1 + std::exp(-v));
    sum += v;
  }
  for (double& v : decision) v /= sum;
  p.probabilities = std::move(decision);
  return p;
}

ModelOpinion opinion_of(const TopicModel& model, const Prediction& p) {
  const ModelData& m = model.data();
  ModelOpinion o;
  o.version = model.version();
  std::vector<std::size_t> order(p.probabilities.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return p.probabilities[a] > p.probabilities[b]; });
  const std::size_t best = order[0];
  o.topic = m.topics[best];
  o.confidence = p.probabilities[best];
  if (order.size() > 1) {
    o.runner_up = m.topics[order[1]];
    o.runner_up_confidence = p.probabilities[order[1]];
  }
  // Rank rows first and copy only the names shown: most of a ticket's words are not.
  std::vector<std::pair<double, std::uint32_t>> ranked;
  for (const auto& [row, value] : p.present)
    if (const double w = value * model.weights(row)[best]; w > 0) ranked.emplace_back(w, row);
  constexpr std::size_t kShown = 6;
  const std::size_t shown = std::min(kShown, ranked.size());
  std::partial_sort(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(shown), ranked.end(),
                    [](const auto& a, const auto& b) { return a.first > b.first || (a.first == b.first && a.second < b.second); });
  o.top_words.reserve(shown);
  for (std::size_t i = 0; i < shown; ++i) o.top_words.push_back({m.weights[ranked[i].second].first, ranked[i].first});
  return o;
}

ModelOpinion predict(const RuleSet& rules, const TopicModel& model, const Ticket& ticket) {
  const RuleSet::Impl& impl = rules.impl();
  const StemmerPool::Lease stemmers = impl.stemmers->lease();
  return opinion_of(model, predict_tokens(model, analyzed(impl, ticket.subject, *stemmers),
                                          analyzed(impl, ticket.body, *stemmers)));
}

}  // namespace triaged::routing
