// triagectl: the admin's command line. Each group of subcommands lives in its own file
// (ctl_commands.h); this only assembles them.
#include <CLI/CLI.hpp>

#include "ctl_commands.h"

int main(int argc, char** argv) {
  CLI::App app{"triagectl: check, test and explain rule sets, judge them on stored tickets, "
               "deliver mail into triaged and manage its quarantine, make API keys, back up the database, move it to PostgreSQL"};
  app.require_subcommand(1);
  triaged::cli::Run run;
  triaged::cli::add_rules_commands(app, run);
  triaged::cli::add_db_commands(app, run);
  triaged::cli::add_mail_commands(app, run);
  triaged::cli::add_admin_commands(app, run);
  triaged::cli::add_learn_commands(app, run);
  triaged::cli::add_suggest_command(app, run);
  triaged::cli::add_migrate_command(app, run);
  CLI11_PARSE(app, argc, argv);
  return run ? run() : 0;
}
