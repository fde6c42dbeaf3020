// route() alone: the example rule set on real ticket texts, and generated rule sets of 10 to
// 10,000 topics, to show how time per ticket grows with the topic count. Run by bench/run;
// `route_bench --benchmark_filter=Generated` for one family.
//
// Generated topics look like an admin's: each has a `words` list of 3–6 keywords (some
// prefixes, some two-word phrases) over a synthetic vocabulary, a third also a regex on the
// subject, a fifth an `all` with a `not` exception. Tickets are the example's real texts,
// which match no generated keyword (the worst case: every topic must be ruled out), plus one
// in eight carrying a keyword of a topic near the end.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "routing/routing.h"
#include "routing/rule_spec.h"
#include "rules/rules.h"

namespace {

using namespace triaged;
namespace json = boost::json;

const auto kNow = std::chrono::system_clock::time_point(std::chrono::seconds(1'700'000'000));

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The public samples' texts; the bench still runs (on the example's own ticket) without them.
std::vector<routing::Ticket> sample_tickets() {
  std::vector<routing::Ticket> out;
  std::ifstream in(TRIAGED_SAMPLES_JSONL);
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    const json::object o = json::parse(line).as_object();
    routing::Ticket t;
    t.subject = json::value_to<std::string>(o.at("subject"));
    t.body = json::value_to<std::string>(o.at("body"));
    t.channel = "web";
    out.push_back(std::move(t));
  }
  if (out.empty()) {
    routing::Ticket t;
    t.subject = "Не привезли заказ";
    t.body = "Заказ 70021859 должны были привезти вчера, курьер так и не приехал.";
    out.push_back(t);
  }
  return out;
}

// The example rules as shipped, with their learned model (model.txt beside them); with
// `with_model` false, as if the rule set had no `model:` setting.
std::shared_ptr<const routing::RuleSet> example_rules(bool with_model = true) {
  const std::string path = std::string(TRIAGED_SOURCE_DIR) + "/examples/eshop-ru/rules.yaml";
  const rules::ModelReader none = [](const std::string&) -> std::expected<std::string, std::string> {
    return std::unexpected("left out of this benchmark");
  };
  auto loaded = with_model ? rules::load_rules_text(read_text(path), path) : rules::load_rules_text(read_text(path), path, none);
  if (!loaded) {
    std::fprintf(stderr, "cannot load %s\n", path.c_str());
    std::exit(1);
  }
  return loaded->rules;
}

// Synthetic Cyrillic words from syllables: distinct stems, nothing shared with real Russian.
class Vocabulary {
 public:
  explicit Vocabulary(std::uint32_t seed) : random_(seed) {}
  std::string word() {
    static const char* syllables[] = {"зу", "кра", "мель", "тох", "вир", "шан", "дыр", "пло",
                                      "гек", "ябу", "фро", "цил", "жым", "нюс", "бэр", "хок"};
    std::uniform_int_distribution<int> syllable(0, 15), count(3, 4);
    std::string w;
    for (int i = count(random_); i > 0; --i) w += syllables[syllable(random_)];
    return w;
  }
  int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(random_); }

 private:
  std::mt19937 random_;
};

routing::ConditionSpec leaf(std::string selector, routing::ConditionSpec::Op op, std::vector<std::string> values) {
  routing::ConditionSpec c;
  c.selector = std::move(selector);
  c.op = op;
  c.values = std::move(values);
  c.where = "generated";
  return c;
}

routing::ConditionSpec combine(routing::ConditionSpec::Kind kind, std::vector<routing::ConditionSpec> children) {
  routing::ConditionSpec c;
  c.kind = kind;
  c.children = std::move(children);
  c.where = "generated";
  return c;
}

struct Generated {
  std::shared_ptr<const routing::RuleSet> rules;
  std::vector<std::string> late_keywords;  // keywords of topics in the last tenth
};

Generated generated_rules(int topics) {
  using Op = routing::ConditionSpec::Op;
  using Kind = routing::ConditionSpec::Kind;
  Vocabulary vocabulary(static_cast<std::uint32_t>(topics));
  routing::RuleSetSpec spec;
  spec.name = "generated";
  spec.version = "sha256:generated";
  spec.languages = {"ru", "en"};
  spec.departments.push_back({"dept", "Department", "generated"});
  Generated out;
  for (int i = 0; i < topics; ++i) {
    std::vector<std::string> keywords;
    const int n = 3 + vocabulary.pick(4);
    for (int k = 0; k < n; ++k) {
      std::string w = vocabulary.word();
      if (k % 3 == 1) w += "*";
      if (k % 3 == 2) w += " " + vocabulary.word();
      keywords.push_back(w);
    }
    if (i >= topics - topics / 10 - 1) out.late_keywords.push_back(keywords.front());
    std::vector<routing::ConditionSpec> any{leaf("text", Op::words, keywords)};
    if (i % 3 == 0) any.push_back(leaf("subject", Op::regex, {"(?i)" + vocabulary.word() + R"(\s+№?\d{3,})"}));
    routing::ConditionSpec when = combine(Kind::any, std::move(any));
    if (i % 5 == 0) {
      routing::ConditionSpec exception = combine(Kind::not_, {leaf("text", Op::words, {vocabulary.word()})});
      when = combine(Kind::all, {std::move(when), std::move(exception)});
    }
    routing::TopicSpec t;
    t.id = "topic_" + std::to_string(i);
    t.title = t.id;
    t.department = "dept";
    t.when = std::move(when);
    t.where = "generated";
    spec.topics.push_back(std::move(t));
  }
  routing::TopicSpec other;
  other.id = "other";
  other.department = "dept";
  other.is_default = true;
  other.where = "generated";
  spec.topics.push_back(std::move(other));
  auto built = routing::build_rule_set(std::move(spec));
  if (!built) {
    std::fprintf(stderr, "generated rule set does not build: %s\n", built.error().front().to_string().c_str());
    std::exit(1);
  }
  out.rules = *built;
  return out;
}

// Routes the samples round and round with `rules`.
void route_samples(benchmark::State& state, const routing::RuleSet& rules) {
  static const auto tickets = sample_tickets();
  std::size_t i = 0;
  for (auto _ : state) {
    auto decision = routing::route(rules, tickets[i++ % tickets.size()], kNow);
    benchmark::DoNotOptimize(decision);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_RouteExample(benchmark::State& state) {
  static const auto rules = example_rules();
  route_samples(state, *rules);
}
BENCHMARK(BM_RouteExample)->Unit(benchmark::kMicrosecond);

// The example rules without their model: what the model adds to BM_RouteExample.
void BM_RouteExampleRulesAlone(benchmark::State& state) {
  static const auto rules = example_rules(false);
  route_samples(state, *rules);
}
BENCHMARK(BM_RouteExampleRulesAlone)->Unit(benchmark::kMicrosecond);

// The same tickets with their labeled topic chosen by the operator: no classification, only
// the template check and field extraction, so the two numbers split route()'s time.
void BM_RouteExampleTemplateOnly(benchmark::State& state) {
  static const auto rules = example_rules();
  std::vector<routing::Ticket> tickets = sample_tickets();
  for (auto& t : tickets) t.topic = routing::route(*rules, t, kNow).topic;
  std::size_t i = 0;
  for (auto _ : state) {
    auto decision = routing::route(*rules, tickets[i++ % tickets.size()], kNow);
    benchmark::DoNotOptimize(decision);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RouteExampleTemplateOnly)->Unit(benchmark::kMicrosecond);

void BM_RouteGenerated(benchmark::State& state) {
  const Generated generated = generated_rules(static_cast<int>(state.range(0)));
  std::vector<routing::Ticket> tickets = sample_tickets();
  // One ticket in eight names a late topic's keyword, so matching (not only ruling out) is timed.
  for (std::size_t i = 0; i < tickets.size(); i += 8)
    tickets[i].body += " " + generated.late_keywords[i % generated.late_keywords.size()];
  std::size_t i = 0;
  for (auto _ : state) {
    auto decision = routing::route(*generated.rules, tickets[i++ % tickets.size()], kNow);
    benchmark::DoNotOptimize(decision);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["topics"] = static_cast<double>(state.range(0));
}
BENCHMARK(BM_RouteGenerated)->Arg(10)->Arg(100)->Arg(1000)->Arg(10000)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
