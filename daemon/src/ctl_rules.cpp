// triagectl check / test: rule sets as the daemon loads them.
#include <cstdio>

#include "ctl_commands.h"
#include "rules/rules.h"

namespace triaged::cli {
namespace {

// Loads a rule set exactly as the daemon does (which also runs its inline tests).
int check(const std::vector<std::string>& paths, bool quiet) {
  int failed = 0;
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
  }
  return failed == 0 ? 0 : 1;
}

}  // namespace

void add_rules_commands(CLI::App& app, Run& run) {
  struct Options {
    std::vector<std::string> paths;
    bool quiet = false;
  };
  auto options = std::make_shared<Options>();
  auto* check_cmd = app.add_subcommand("check", "load rule sets as the daemon does; exit 1 on any error");
  check_cmd->add_option("RULES", options->paths, "rule set files")->required()->check(CLI::ExistingFile);
  check_cmd->add_flag("-q,--quiet", options->quiet, "print errors only");
  check_cmd->callback([&run, options] { run = [options] { return check(options->paths, options->quiet); }; });
  auto* test_cmd = app.add_subcommand("test", "run the inline tests of rule sets; exit 1 on any failure");
  test_cmd->add_option("RULES", options->paths, "rule set files")->required()->check(CLI::ExistingFile);
  test_cmd->callback([&run, options] { run = [options] { return check(options->paths, false); }; });
}

}  // namespace triaged::cli
