// triagectl eval and train. `eval` measures a rule set on labeled tickets: the rules alone, the
// model alone and both as route() combines them, with per-topic precision and recall and a
// confusion matrix; the model is measured on folds it was not trained on. `train` builds the
// model from the same sources and writes the file the rule set's `model:` names.
#include <boost/json.hpp>

#include <cstdio>
#include <fstream>

#include "ctl_commands.h"
#include "ctl_learn.h"
#include "ctl_rules.h"
#include "routing/rule_spec.h"
#include "rules/rules.h"
#include "text_table.h"

namespace triaged::cli {
namespace {

struct LearnOptions {
  std::string rules;
  std::vector<std::string> cases;
  std::vector<std::string> train_also;  // learned from, never measured
  bool json = false;
  bool no_inline = false;
  bool misses = false;
  int folds = 5;
  double c = 30;
  std::string chars = "0";
  bool no_negation = false;
  std::string out;
  std::string db;  // train: also the tickets staff labeled in this database
};

struct Loaded {
  rules::LoadedRules rules;
  std::vector<learn::Example> inline_examples;
  std::vector<learn::Example> cases;
};

std::expected<Loaded, int> load(const LearnOptions& o) {
  auto loaded = rules::load_rules_file(o.rules);
  if (!loaded) {
    for (const auto& d : loaded.error()) std::fprintf(stderr, "%s\n", d.to_string().c_str());
    return std::unexpected(1);
  }
  if (!loaded->rules->model_problem().empty())
    std::fprintf(stderr, "%s: %s\n", o.rules.c_str(), loaded->rules->model_problem().c_str());
  Loaded out{std::move(*loaded), {}, {}};
  if (!o.no_inline) {
    auto inline_examples = labeled_examples(out.rules.text, o.rules, {}, true);
    if (inline_examples) out.inline_examples = std::move(*inline_examples);
  }
  if (!o.train_also.empty()) {
    auto extra = labeled_examples("", o.rules, o.train_also, false);
    if (!extra) {
      std::fprintf(stderr, "%s\n", extra.error().c_str());
      return std::unexpected(1);
    }
    out.inline_examples.insert(out.inline_examples.end(), extra->begin(), extra->end());
  }
  auto cases = labeled_examples("", o.rules, o.cases, false);
  if (!cases) {
    std::fprintf(stderr, "%s\n", cases.error().c_str());
    return std::unexpected(1);
  }
  out.cases = std::move(*cases);
  return out;
}

std::vector<std::string> topic_order(const routing::RuleSet& rules) {
  std::vector<std::string> out;
  for (const auto& t : rules.spec().topics) out.push_back(t.id);
  return out;
}

learn::TrainOptions train_options(const LearnOptions& o) {
  learn::TrainOptions t;
  t.c = o.c;
  t.folds = o.folds;
  t.features.negation = !o.no_negation;
  // "3-5": character n-grams of 3 to 5; "0": none. Checked when the option is parsed.
  if (o.chars == "0") {
    t.features.char_min = t.features.char_max = 0;
  } else {
    t.features.char_min = o.chars[0] - '0';
    t.features.char_max = o.chars[2] - '0';
  }
  return t;
}

void progress(int done, int total) {
  std::fprintf(stderr, "\rcross-validating: fold %d of %d", done, total);
  if (done == total) std::fprintf(stderr, "\n");
}

std::string pct(double share) {
  char b[16];
  std::snprintf(b, sizeof b, "%.1f%%", share * 100);
  return b;
}

struct Column {
  const char* name;
  std::string learn::Outcome::*field;
};

void print_text(const std::vector<learn::Outcome>& outcomes, const std::vector<Column>& columns,
                const std::vector<std::string>& order, const std::string& model_note) {
  std::vector<std::vector<std::string>> summary{{"", "right", "of", "accuracy"}};
  for (const Column& c : columns) {
    const learn::Report r = learn::score(outcomes, c.field, order);
    summary.push_back({c.name, std::to_string(r.right), std::to_string(r.total), pct(r.accuracy())});
  }
  std::printf("%s\n%s", model_note.c_str(), render_table(summary).c_str());
  const Column& last = columns.back();
  const learn::Report r = learn::score(outcomes, last.field, order);
  std::vector<std::vector<std::string>> topics{{"topic", "examples", "routed", "precision", "recall"}};
  for (const auto& t : r.topics)
    if (t.support || t.predicted)
      topics.push_back({t.topic, std::to_string(t.support), std::to_string(t.predicted),
                        t.predicted ? pct(t.precision()) : "-", t.support ? pct(t.recall()) : "-"});
  std::printf("\nper topic (%s):\n%s", last.name, render_table(topics).c_str());
  std::vector<std::vector<std::string>> confusion{{"expected \\ routed"}};
  std::vector<std::size_t> shown;
  for (std::size_t i = 0; i < r.topics.size(); ++i)
    if (r.topics[i].support || r.topics[i].predicted) shown.push_back(i);
  for (std::size_t j : shown) confusion[0].push_back(std::to_string(j + 1));
  for (std::size_t i : shown) {
    std::vector<std::string> row{std::to_string(i + 1) + " " + r.topics[i].topic};
    for (std::size_t j : shown) row.push_back(r.confusion[i][j] ? std::to_string(r.confusion[i][j]) : ".");
    confusion.push_back(std::move(row));
  }
  std::printf("\nconfusion (%s; rows: expected, columns: routed, by number):\n%s", last.name,
              render_table(confusion).c_str());
  std::size_t by_model = 0;
  for (const auto& o : outcomes) by_model += o.source == "model";
  if (by_model > 0) std::printf("\ndecided by the model: %zu of %zu\n", by_model, outcomes.size());
}

boost::json::object report_json(const learn::Report& r) {
  boost::json::array topics;
  for (const auto& t : r.topics)
    topics.push_back({{"topic", t.topic}, {"examples", t.support}, {"routed", t.predicted},
                      {"precision", t.precision()}, {"recall", t.recall()}});
  boost::json::object confusion;
  for (std::size_t i = 0; i < r.topics.size(); ++i) {
    boost::json::object row;
    for (std::size_t j = 0; j < r.topics.size(); ++j)
      if (r.confusion[i][j]) row[r.topics[j].topic] = r.confusion[i][j];
    if (!row.empty()) confusion[r.topics[i].topic] = std::move(row);
  }
  return {{"right", r.right}, {"total", r.total}, {"accuracy", r.accuracy()}, {"topics", std::move(topics)},
          {"confusion", std::move(confusion)}};
}

void print_json(const std::vector<learn::Outcome>& outcomes, const std::vector<Column>& columns,
                const std::vector<std::string>& order, const std::string& model_note, std::size_t examples) {
  // "method", not "model": the model's own report is the "model" column below.
  boost::json::object out{{"examples", examples}, {"method", model_note}};
  for (const Column& c : columns) out[c.name] = report_json(learn::score(outcomes, c.field, order));
  boost::json::object sources;
  for (const auto& o : outcomes) sources[o.source] = sources.contains(o.source) ? sources[o.source].as_int64() + 1 : 1;
  out["sources"] = std::move(sources);
  std::printf("%s\n", boost::json::serialize(out).c_str());
}

int eval(const LearnOptions& o) {
  auto loaded = load(o);
  if (!loaded) return loaded.error();
  if (loaded->cases.empty()) {
    std::fprintf(stderr, "no labeled cases: give case files (.yaml, .jsonl, .eml) with expected topics\n");
    return 1;
  }
  const routing::RuleSet& rules = *loaded->rules.rules;
  std::vector<learn::Outcome> outcomes;
  std::string note;
  if (o.folds > 1) {
    auto cv = learn::cross_validate(rules, loaded->cases, train_options(o), loaded->inline_examples,
                                    o.json ? std::function<void(int, int)>() : progress);
    if (!cv) {
      std::fprintf(stderr, "%s\n", cv.error().c_str());
      return 1;
    }
    outcomes = std::move(*cv);
    note = std::to_string(o.folds) + "-fold: the model is trained on the other folds and " +
           std::to_string(loaded->inline_examples.size()) + " inline tests" +
           (o.train_also.empty() ? "" : " and --train-also tickets") + ", never on the tickets it is measured on";
  } else {
    outcomes = learn::evaluate(rules, loaded->cases);
    note = rules.model() ? "the model as shipped (" + loaded->rules.model_version +
                               "); if it was trained on these cases, its figures are optimistic"
                         : "no model";
  }
  std::vector<Column> columns{{"rules", &learn::Outcome::rules}};
  const bool has_model = o.folds > 1 || rules.model();
  if (has_model) {
    columns.push_back({"model", &learn::Outcome::model});
    columns.push_back({"combined", &learn::Outcome::combined});
  }
  if (o.json) print_json(outcomes, columns, topic_order(rules), note, outcomes.size());
  else print_text(outcomes, columns, topic_order(rules), std::to_string(outcomes.size()) + " labeled tickets; " + note);
  if (o.misses && !o.json) {
    std::printf("\nmisrouted (%s):\n", columns.back().name);
    for (const auto& out : outcomes) {
      const std::string& routed = has_model ? out.combined : out.rules;
      if (routed == out.expected) continue;
      std::printf("  %s: expected %s, routed %s (%s; rules %s, model %s)\n", out.origin.c_str(), out.expected.c_str(),
                  routed.c_str(), out.source.c_str(), out.rules.c_str(), out.model.empty() ? "-" : out.model.c_str());
    }
  }
  return 0;
}

int train(const LearnOptions& o) {
  auto loaded = load(o);
  if (!loaded) return loaded.error();
  const routing::RuleSet& rules = *loaded->rules.rules;
  std::string out = o.out;
  if (out.empty()) {
    if (!rules.spec().model) {
      std::fprintf(stderr, "%s has no `model:` setting; name the file to write with --out\n", o.rules.c_str());
      return 1;
    }
    const auto slash = o.rules.rfind('/');
    out = (slash == std::string::npos ? "" : o.rules.substr(0, slash + 1)) + rules.spec().model->file;
  }
  const std::size_t from_files = loaded->cases.size();
  std::string from_db;
  if (!o.db.empty()) {
    // Measured and trained on like the case files: they are labeled tickets like those.
    auto note = add_stored_examples(o.db, rules, loaded->cases);
    if (!note) {
      std::fprintf(stderr, "%s\n", note.error().c_str());
      return 1;
    }
    from_db = *note;
  }
  std::vector<learn::Example> all = loaded->inline_examples;
  all.insert(all.end(), loaded->cases.begin(), loaded->cases.end());
  std::fprintf(stderr, "training on %zu labeled tickets (%zu inline tests%s, %zu from case files%s)\n", all.size(),
               loaded->inline_examples.size(), o.train_also.empty() ? "" : " and --train-also", from_files,
               from_db.c_str());
  std::string accuracy;
  if (o.folds > 1 && !loaded->cases.empty()) {
    auto cv = learn::cross_validate(rules, loaded->cases, train_options(o), loaded->inline_examples, progress);
    if (!cv) {
      std::fprintf(stderr, "%s\n", cv.error().c_str());
      return 1;
    }
    const auto order = topic_order(rules);
    const double model = learn::score(*cv, &learn::Outcome::model, order).accuracy();
    const double combined = learn::score(*cv, &learn::Outcome::combined, order).accuracy();
    const double alone = learn::score(*cv, &learn::Outcome::rules, order).accuracy();
    accuracy = std::to_string(o.folds) + "-fold on " + std::to_string(cv->size()) + " cases: rules " + pct(alone) +
               ", model " + pct(model) + ", combined " + pct(combined);
    std::printf("%s\n", accuracy.c_str());
  }
  auto data = learn::train_model(rules, all, train_options(o));
  if (!data) {
    std::fprintf(stderr, "%s\n", data.error().c_str());
    return 1;
  }
  char c_text[32];
  std::snprintf(c_text, sizeof c_text, "%g", o.c);
  data->note = std::string("liblinear L2R_LR C=") + c_text + (accuracy.empty() ? "" : "; " + accuracy);
  const std::string text = routing::write_model(*data);
  const std::string temp = out + ".tmp";
  {
    std::ofstream file(temp, std::ios::binary | std::ios::trunc);
    file << text;
    if (!file.flush()) {
      std::fprintf(stderr, "%s: cannot write\n", temp.c_str());
      return 1;
    }
  }
  if (std::rename(temp.c_str(), out.c_str()) != 0) {
    std::fprintf(stderr, "%s: cannot replace\n", out.c_str());
    return 1;
  }
  std::printf("wrote %s: %zu topics, %zu features, %zu examples\n", out.c_str(), data->topics.size(),
              data->weights.size(), data->examples);
  return 0;
}

void add_common(CLI::App* cmd, LearnOptions& o) {
  cmd->add_option("RULES", o.rules, "rule set file")->required()->check(CLI::ExistingFile);
  cmd->add_option("CASES", o.cases, "labeled tickets: .yaml case lists, .jsonl lines with \"topic\", .eml cases")
      ->check(CLI::ExistingFile);
  cmd->add_option("--folds", o.folds, "cross-validation folds (0: measure the model as shipped)")
      ->check(CLI::Range(0, 50));
  cmd->add_option("--c", o.c, "liblinear's C: less regularisation as it grows")->check(CLI::PositiveNumber);
  cmd->add_flag("--no-inline", o.no_inline, "leave the rule set's inline tests out of training");
  cmd->add_option("--train-also", o.train_also, "more labeled tickets to learn from, never measured (like inline tests)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--chars", o.chars, "character n-grams of each word as features: MIN-MAX (1-8), or 0 for none")
      ->check([](const std::string& v) -> std::string {
        if (v == "0") return "";
        if (v.size() == 3 && v[1] == '-' && v[0] >= '1' && v[0] <= '8' && v[2] >= v[0] && v[2] <= '8') return "";
        return "expected MIN-MAX with 1 <= MIN <= MAX <= 8 (like 3-5), or 0";
      });
  cmd->add_flag("--no-negation", o.no_negation, "do not tell negated words apart from the others");
}

}  // namespace

void add_learn_commands(CLI::App& app, Run& run) {
  auto eval_options = std::make_shared<LearnOptions>();
  auto* eval_cmd = app.add_subcommand(
      "eval", "measure routing on labeled tickets: rules, model and both; precision, recall, confusion");
  add_common(eval_cmd, *eval_options);
  eval_cmd->add_flag("--json", eval_options->json, "print the report as JSON");
  eval_cmd->add_flag("--misses", eval_options->misses, "list every misrouted ticket with where it came from");
  eval_cmd->callback([&run, eval_options] { run = [eval_options] { return eval(*eval_options); }; });

  auto train_options_ = std::make_shared<LearnOptions>();
  auto* train_cmd = app.add_subcommand(
      "train", "train the rule set's model from its inline tests and labeled tickets; report k-fold accuracy");
  add_common(train_cmd, *train_options_);
  train_cmd->add_option("--out", train_options_->out, "model file to write (default: the rule set's model: file)");
  train_cmd->add_option("--db", train_options_->db, "also learn from the tickets staff rerouted or resolved in this database")
      ->check(CLI::ExistingFile);
  train_cmd->callback([&run, train_options_] { run = [train_options_] { return train(*train_options_); }; });
}

}  // namespace triaged::cli
