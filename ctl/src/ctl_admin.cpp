// triagectl key new / key hash / backup: what an operations team needs to give out API keys
// and to copy the database while the daemon runs.
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "http/access.h"
#include "ctl_commands.h"
#include "common/digest.h"
#include "storage/backup.h"

namespace triaged::cli {
namespace {

using daemon::Roles;

void print_config_entry(const std::string& name, const std::string& hash, Roles roles) {
  std::printf("  - name: %s\n    sha256: %s\n    roles: [%s]\n", name.c_str(), hash.c_str(),
              daemon::roles_to_string(roles).c_str());
}

std::optional<Roles> parse_roles(const std::vector<std::string>& names) {
  Roles roles = 0;
  for (const auto& n : names) {
    auto role = daemon::role_from_string(n);
    if (!role) {
      std::fprintf(stderr, "triagectl: unknown role \"%s\" (intake, agent, admin)\n", n.c_str());
      return std::nullopt;
    }
    roles |= *role;
  }
  return roles;
}

void add_key_commands(CLI::App& app, Run& run) {
  auto* key = app.add_subcommand("key", "make API keys and the config lines that admit them");
  key->require_subcommand(1);

  struct NewArgs {
    std::vector<std::string> roles;
    std::string name;
  };
  auto args = std::make_shared<NewArgs>();
  auto* fresh = key->add_subcommand("new", "print a new random key and the lines to paste under api_keys:");
  fresh->add_option("--role", args->roles, "intake, agent or admin (repeat for several)")->required();
  fresh->add_option("--name", args->name, "the key's name in logs and messages (default: the role)");
  fresh->callback([&run, args] {
    run = [args] {
      auto roles = parse_roles(args->roles);
      if (!roles) return 2;
      const std::string key = daemon::new_api_key();
      const std::string name = args->name.empty() ? daemon::roles_to_string(*roles) : args->name;
      std::printf("key: %s\n\n", key.c_str());
      std::printf("# Paste under api_keys: in the config; the key itself is kept nowhere else.\n");
      print_config_entry(name, daemon::sha256_hex(key), *roles);
      std::fprintf(stderr, "Give the key to its client now: triaged keeps only its SHA-256.\n");
      return 0;
    };
  });

  auto* hash = key->add_subcommand("hash", "read a key from standard input and print its sha256 for the config");
  hash->callback([&run] {
    run = [] {
      std::string key;
      std::getline(std::cin, key);
      while (!key.empty() && (key.back() == '\r' || key.back() == ' ')) key.pop_back();
      if (key.empty()) {
        std::fprintf(stderr, "triagectl: no key on standard input\n");
        return 2;
      }
      std::printf("%s\n", daemon::sha256_hex(key).c_str());
      return 0;
    };
  });
}

void add_backup_command(CLI::App& app, Run& run) {
  struct Args {
    std::string db, out;
    bool quiet = false;
  };
  auto args = std::make_shared<Args>();
  auto* backup = app.add_subcommand("backup", "copy the database while the daemon runs (SQLite online backup)");
  backup->add_option("--db", args->db, "the live database")->required()->check(CLI::ExistingFile);
  backup->add_option("--out", args->out, "the copy to write (replaced if it exists)")->required();
  backup->add_flag("-q,--quiet", args->quiet, "no progress on standard error");
  backup->callback([&run, args] {
    run = [args] {
      storage::BackupOptions options;
      int last_percent = -1;
      if (!args->quiet) {
        options.progress = [&last_percent](int copied, int total) {
          const int percent = total > 0 ? static_cast<int>(100LL * copied / total) : 100;
          if (percent == last_percent) return;
          last_percent = percent;
          std::fprintf(stderr, "\rbackup: %d%% (%d of %d pages)", percent, copied, total);
        };
      }
      auto done = storage::backup_database(args->db, args->out, options);
      if (!args->quiet && last_percent >= 0) std::fprintf(stderr, "\n");
      if (!done) {
        std::fprintf(stderr, "triagectl: backup failed: %s\n", done.error().message.c_str());
        return 1;
      }
      std::printf("%s: a consistent copy of %s, integrity_check ok\n", args->out.c_str(), args->db.c_str());
      return 0;
    };
  });
}

}  // namespace

void add_admin_commands(CLI::App& app, Run& run) {
  add_key_commands(app, run);
  add_backup_command(app, run);
}

}  // namespace triaged::cli
