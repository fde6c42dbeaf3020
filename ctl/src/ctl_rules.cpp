// triagectl check / test / explain: the subcommands, and `check` itself (load as the daemon
// does, then lint).
#include <cstdio>

#include "ctl_commands.h"
#include "ctl_rules.h"
#include "rules/lint.h"
#include "rules/rules.h"

namespace triaged::cli {
namespace {

// Loads each rule set exactly as the daemon does (which also runs its inline tests), then
// lints the ones that load. Errors go to stderr, the summary and warnings to stdout.
int check(const std::vector<std::string>& paths, bool quiet, bool strict) {
  int failed = 0;
  std::size_t warnings = 0;
  for (const auto& path : paths) {
    auto loaded = triaged::rules::load_rules_file(path);
    if (!loaded) {
      for (const auto& d : loaded.error()) std::fprintf(stderr, "%s\n", d.to_string().c_str());
      std::fprintf(stderr, "%s: %zu error(s)\n", path.c_str(), loaded.error().size());
      ++failed;
      continue;
    }
    if (!quiet)
      std::printf("%s: ok, %zu topics, %zu inline tests passed, version %s\n", path.c_str(),
                  loaded->rules->spec().topics.size(), loaded->tests_passed, loaded->version.c_str());
    const auto lint = triaged::rules::lint_rules(*loaded);
    for (const auto& w : lint) std::printf("%s\n", w.to_string().c_str());
    if (!lint.empty() && !quiet) std::printf("%s: %zu warning(s)\n", path.c_str(), lint.size());
    warnings += lint.size();
  }
  std::fflush(stdout);
  if (failed != 0) return 1;
  return strict && warnings > 0 ? 1 : 0;
}

}  // namespace

void add_rules_commands(CLI::App& app, Run& run) {
  struct CheckOptions {
    std::vector<std::string> paths;
    bool quiet = false;
    bool strict = false;
  };
  auto check_options = std::make_shared<CheckOptions>();
  auto* check_cmd = app.add_subcommand(
      "check", "load rule sets as the daemon does and lint them; exit 1 on any error (or warning with --strict)");
  check_cmd->add_option("RULES", check_options->paths, "rule set files")->required()->check(CLI::ExistingFile);
  check_cmd->add_flag("-q,--quiet", check_options->quiet, "print errors and warnings only");
  check_cmd->add_flag("--strict", check_options->strict, "exit 1 when there are lint warnings");
  check_cmd->callback([&run, check_options] {
    run = [check_options] { return check(check_options->paths, check_options->quiet, check_options->strict); };
  });

  auto test_options = std::make_shared<TestOptions>();
  auto* test_cmd = app.add_subcommand(
      "test", "run a rule set's inline tests and case files (.yaml lists, .eml messages); exit 1 on any failure");
  test_cmd->add_option("RULES", test_options->rules, "rule set file")->required()->check(CLI::ExistingFile);
  test_cmd->add_option("CASES", test_options->case_files, "case files: .yaml lists of cases, or .eml messages")
      ->check(CLI::ExistingFile);
  test_cmd->add_option("--junit", test_options->junit, "also write a JUnit XML report to this file");
  test_cmd->callback([&run, test_options] { run = [test_options] { return run_rule_tests(*test_options); }; });

  struct ExplainOptions {
    std::string rules;
    std::string ticket;
    bool json = false;
  };
  auto explain_options = std::make_shared<ExplainOptions>();
  auto* explain_cmd = app.add_subcommand(
      "explain", "route one ticket (a JSON file as POST /api/v1/tickets takes, or an .eml) and show why");
  explain_cmd->add_option("RULES", explain_options->rules, "rule set file")->required();
  explain_cmd->add_option("TICKET", explain_options->ticket, "ticket: .json or .eml")->required();
  explain_cmd->add_flag("--json", explain_options->json, "print the decision as the API returns it");
  explain_cmd->callback([&run, explain_options] {
    run = [explain_options] {
      return explain_ticket(explain_options->rules, explain_options->ticket, explain_options->json);
    };
  });
}

}  // namespace triaged::cli
