// triagectl's subcommand groups. Each group adds its subcommands to the app and, for the one
// the user chose, sets `run` to the function that does the work and returns the exit code.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>

namespace triaged::cli {

using Run = std::function<int()>;

void add_rules_commands(CLI::App& app, Run& run);  // check, test, explain (ctl_rules.cpp)
void add_db_commands(CLI::App& app, Run& run);     // replay, coverage, stats (ctl_db.cpp)
void add_mail_commands(CLI::App& app, Run& run);   // mailgate, parse-mail, quarantine (ctl_mail.cpp)
void add_admin_commands(CLI::App& app, Run& run);  // key new, key hash, backup (ctl_admin.cpp)
void add_learn_commands(CLI::App& app, Run& run);  // eval, train (ctl_learn.cpp)
void add_suggest_command(CLI::App& app, Run& run);  // suggest (ctl_suggest.cpp)
void add_migrate_command(CLI::App& app, Run& run);  // migrate-db (ctl_migrate_db.cpp)

}  // namespace triaged::cli
