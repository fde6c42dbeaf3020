// triagectl import-mail: bring a mailbox's backlog (an mbox or a Maildir) into triaged through
// the daemon's live ingest endpoint, one message at a time, so threading, duplicates, robots and
// quarantine behave exactly as for mail the MTA delivers. Resumable from a state file, and
// idempotent: the daemon answers an already imported Message-ID with "duplicate".
#pragma once

#include <CLI/CLI.hpp>

#include "ctl_commands.h"

namespace triaged::cli {

// Adds `import-mail`. Exit status: 0 every message stored, 1 some failed (or the daemon went
// away: the state file says where to resume), 2 usage, 130 interrupted (state saved).
void add_import_mail_command(CLI::App& app, Run& run);

}  // namespace triaged::cli
