// triagectl: the admin's command line. In this version: check and test rule sets.
#include <CLI/CLI.hpp>

#include <cstdio>

#include "rules/rules.h"

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

int main(int argc, char** argv) {
  CLI::App app{"triagectl: check and test triaged rule sets"};
  app.require_subcommand(1);
  std::vector<std::string> paths;
  bool quiet = false;
  auto* check_cmd = app.add_subcommand("check", "load rule sets as the daemon does; exit 1 on any error");
  check_cmd->add_option("RULES", paths, "rule set files")->required()->check(CLI::ExistingFile);
  check_cmd->add_flag("-q,--quiet", quiet, "print errors only");
  auto* test_cmd = app.add_subcommand("test", "run the inline tests of rule sets; exit 1 on any failure");
  test_cmd->add_option("RULES", paths, "rule set files")->required()->check(CLI::ExistingFile);
  CLI11_PARSE(app, argc, argv);
  return check(paths, quiet);
}
