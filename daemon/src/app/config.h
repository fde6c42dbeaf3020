// The daemon's config file (triaged --config FILE): one YAML mapping for everything an
// operations team sets per machine. Read as strictly as rule sets: unknown or repeated keys and
// values of the wrong kind are errors at file:line:column, all reported at once. Keys present
// replace what `config` held before; keys absent keep it, so defaults, then the file, then
// command-line flags make the final options.
#pragma once

#include <expected>
#include <string>

#include "app/daemon.h"
#include "common/logging.h"
#include "routing/rule_spec.h"

namespace triaged::daemon {

struct Config {
  DaemonOptions daemon;
  LogOptions log;
  // The environment variable that holds the SMTP password (the file never holds secrets).
  std::string smtp_password_env = "TRIAGED_SMTP_PASSWORD";
};

// Relative paths in the file (database, rules) are taken from the file's folder, so a config
// means the same wherever the daemon is started.
std::expected<void, routing::Diagnostics> apply_config_file(const std::string& path, Config& config);
// The same over text already read; `source` names it in messages.
std::expected<void, routing::Diagnostics> apply_config_text(const std::string& source, const std::string& text,
                                                            const std::string& base_dir, Config& config);

}  // namespace triaged::daemon
