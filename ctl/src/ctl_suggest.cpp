// triagectl suggest: keywords that would fix misrouted labeled tickets, each replayed on every
// labeled ticket before it is shown, with the tickets it fixes and those it breaks. The labeled
// tickets are the inline tests, case files and, with --db, the tickets staff rerouted or
// resolved (ctl_learn_history.cpp): what the rules got wrong in real traffic.
#include <boost/json.hpp>

#include <cstdio>

#include "ctl_commands.h"
#include "ctl_learn.h"
#include "learn/suggest.h"
#include "rules/rules.h"

namespace triaged::cli {
namespace {

struct SuggestCli {
  std::string rules;
  std::vector<std::string> cases;
  std::string db;  // also the tickets staff labeled in this database
  bool json = false;
  bool no_inline = false;
  std::size_t candidates = 12;
  std::size_t shown = 5;
  std::size_t min_fixes = 2;
};

const char* kind_name(learn::Suggestion::Kind k) {
  return k == learn::Suggestion::Kind::add_keyword ? "add_keyword" : "rule_out";
}

std::string listed(const std::vector<std::string>& origins) {
  constexpr std::size_t kListed = 4;
  std::string out;
  for (std::size_t i = 0; i < origins.size() && i < kListed; ++i) out += (i ? ", " : "") + origins[i];
  if (origins.size() > kListed) out += " and " + std::to_string(origins.size() - kListed) + " more";
  return out;
}

void print_text(const std::vector<learn::Suggestion>& found, std::size_t examples) {
  if (found.empty()) {
    std::printf("no keyword fixes enough of the %zu labeled tickets without breaking as many\n", examples);
    return;
  }
  std::printf("%zu suggestions, each replayed on all %zu labeled tickets (rules alone):\n", found.size(), examples);
  for (const auto& s : found) {
    const bool add = s.kind == learn::Suggestion::Kind::add_keyword;
    std::printf("\n%s, %s:\n    %s\n  fixes %zu: %s\n", s.topic.c_str(), add ? "add to `when` (any of)" : "add to `unless`",
                learn::condition_yaml(s).c_str(), s.fixes.size(), listed(s.fixes).c_str());
    if (!s.breaks.empty()) std::printf("  breaks %zu: %s\n", s.breaks.size(), listed(s.breaks).c_str());
  }
}

void print_json(const std::vector<learn::Suggestion>& found, std::size_t examples) {
  boost::json::array list;
  for (const auto& s : found) {
    boost::json::array fixes(s.fixes.begin(), s.fixes.end()), breaks(s.breaks.begin(), s.breaks.end());
    list.push_back({{"topic", s.topic}, {"kind", kind_name(s.kind)}, {"word", s.word},
                    {"condition", learn::condition_yaml(s)}, {"fixes", std::move(fixes)}, {"breaks", std::move(breaks)}});
  }
  std::printf("%s\n", boost::json::serialize(boost::json::object{{"examples", examples}, {"suggestions", std::move(list)}}).c_str());
}

int run_suggest(const SuggestCli& o) {
  auto loaded = rules::load_rules_file(o.rules);
  if (!loaded) {
    for (const auto& d : loaded.error()) std::fprintf(stderr, "%s\n", d.to_string().c_str());
    return 1;
  }
  auto examples = labeled_examples(o.no_inline ? "" : loaded->text, o.rules, o.cases, !o.no_inline);
  if (!examples) {
    std::fprintf(stderr, "%s\n", examples.error().c_str());
    return 1;
  }
  if (!o.db.empty()) {
    auto added = add_stored_examples(o.db, *loaded->rules, *examples);
    if (!added) {
      std::fprintf(stderr, "%s\n", added.error().c_str());
      return 1;
    }
    if (!o.json) std::fprintf(stderr, "labeled tickets: %zu%s\n", examples->size(), added->c_str());
  }
  if (examples->empty()) {
    std::fprintf(stderr, "no labeled tickets: give case files (.yaml, .jsonl, .eml) with expected topics, or --db\n");
    return 1;
  }
  learn::SuggestOptions options;
  options.candidates = o.candidates;
  options.shown = o.shown;
  options.min_fixes = o.min_fixes;
  if (!o.json)
    options.progress = [](std::size_t done, std::size_t total) {
      std::fprintf(stderr, "\rreplaying candidates: %zu of %zu", done, total);
      if (done == total) std::fprintf(stderr, "\n");
    };
  auto found = learn::suggest(loaded->rules->spec(), *examples, options);
  if (!found) {
    std::fprintf(stderr, "%s\n", found.error().c_str());
    return 1;
  }
  if (o.json) print_json(*found, examples->size());
  else print_text(*found, examples->size());
  return 0;
}

}  // namespace

void add_suggest_command(CLI::App& app, Run& run) {
  auto o = std::make_shared<SuggestCli>();
  auto* cmd = app.add_subcommand(
      "suggest", "keywords that would fix misrouted labeled tickets, replayed with what each fixes and breaks");
  cmd->add_option("RULES", o->rules, "rule set file")->required()->check(CLI::ExistingFile);
  cmd->add_option("CASES", o->cases, "labeled tickets: .yaml case lists, .jsonl lines with \"topic\", .eml cases")
      ->check(CLI::ExistingFile);
  cmd->add_option("--db", o->db, "also the tickets staff rerouted or resolved in this database (read-only)")
      ->check(CLI::ExistingFile);
  cmd->add_flag("--no-inline", o->no_inline, "leave the rule set's inline tests out");
  cmd->add_option("--candidates", o->candidates, "words replayed per topic and kind of change")->check(CLI::Range(1, 200));
  cmd->add_option("--shown", o->shown, "suggestions shown per topic and kind of change")->check(CLI::Range(1, 50));
  cmd->add_option("--min-fixes", o->min_fixes, "tickets a word must be said by and fix to be shown")
      ->check(CLI::Range(1, 1000));
  cmd->add_flag("--json", o->json, "print the suggestions as JSON");
  cmd->callback([&run, o] { run = [o] { return run_suggest(*o); }; });
}

}  // namespace triaged::cli
