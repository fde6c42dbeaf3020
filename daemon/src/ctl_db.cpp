// triagectl replay / coverage: rule sets judged on the tickets in a database.
#include "ctl_commands.h"

namespace triaged::cli {

void add_db_commands(CLI::App&, Run&) {}

}  // namespace triaged::cli
