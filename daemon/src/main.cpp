// triaged: config file and flags in, Daemon out. Everything else lives in daemon.cpp.
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "app/config.h"
#include "app/daemon.h"
#include "rules/rules.h"

namespace {

// --config is read before the other flags are parsed: the file's values become the defaults
// that the flags given on the command line then override.
std::string config_path(int argc, char** argv) {
  std::string path;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--config" && i + 1 < argc) path = argv[i + 1];
    if (arg.starts_with("--config=")) path = std::string(arg.substr(9));
  }
  return path;
}

// --check-config: everything start() would refuse, without binding or opening anything.
int check_config(const triaged::daemon::Config& config, const std::string& path) {
  const auto& d = config.daemon;
  if (!d.rules_path.empty()) {
    auto loaded = triaged::rules::load_rules_file(d.rules_path);
    if (!loaded) {
      for (const auto& e : loaded.error()) std::fprintf(stderr, "%s\n", e.to_string().c_str());
      return 1;
    }
  }
  std::printf("%s: OK (listen %s, database %s, rules %s, %zu API keys%s)\n", path.empty() ? "defaults" : path.c_str(),
              d.listen.c_str(), d.db_path.c_str(), d.rules_path.empty() ? "built-in example" : d.rules_path.c_str(),
              d.api_keys.size(), d.api_keys.empty() ? ": the API is open" : "");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  triaged::daemon::Config config;
  const std::string config_file = config_path(argc, argv);
  if (!config_file.empty()) {
    if (auto applied = triaged::daemon::apply_config_file(config_file, config); !applied) {
      for (const auto& e : applied.error()) std::fprintf(stderr, "%s\n", e.to_string().c_str());
      return 1;
    }
  }
  triaged::daemon::DaemonOptions& options = config.daemon;
  options.handle_signals = true;
  std::string& log_level = config.log.level;
  bool check_only = false;
  std::string ignored_config;
  CLI::App app{"triaged: routes helpdesk tickets to the right department's queue"};
  app.add_option("--config", ignored_config, "YAML config file (see examples/triaged.yaml); flags override it");
  app.add_flag("--check-config", check_only, "validate the config file and the rules it names, then exit");
  app.add_option("--listen", options.listen, "HOST:PORT to serve HTTP on; port 0 picks a free port")
      ->capture_default_str();
  app.add_option("--db", options.db_path, "SQLite database file (created if missing), or postgresql://USER@HOST:PORT/DB "
                 "(the password from PGPASSWORD or PGPASSFILE, never in the URL)")->capture_default_str();
  app.add_option("--rules", options.rules_path, "YAML rule set (default: the built-in example, examples/eshop-ru)");
  app.add_flag("--watch-rules", options.watch_rules, "reload the --rules file whenever it changes on disk");
  app.add_option("--threads", options.threads, "HTTP worker threads")->capture_default_str()->check(CLI::Range(1, 256));
  app.add_option("--max-body", options.max_body, "largest accepted request body in bytes")->capture_default_str();
  app.add_option("--max-email-body", options.max_email_body, "largest accepted raw email in bytes")
      ->capture_default_str();
  int read_timeout = static_cast<int>(options.read_timeout.count());
  app.add_option("--read-timeout", read_timeout,
                 "seconds a client has to send a request's headers; also how long an idle connection stays open")
      ->capture_default_str()->check(CLI::Range(1, 3600));
  app.add_option("--max-connections", options.max_connections,
                 "connections open at once; beyond, new clients are answered 503")
      ->capture_default_str()->check(CLI::Range(1, 1000000));
  app.add_option("--max-connections-per-client", options.max_connections_per_client,
                 "connections one client address may hold open; beyond, it is answered 503")
      ->capture_default_str()->check(CLI::Range(1, 1000000));
  app.add_option("--max-attachment-bytes", options.email.parse.max_attachment_bytes,
                 "larger attachments are recorded as dropped; the ticket is still created")
      ->capture_default_str();
  app.add_option("--auto-replies-per-day", options.email.max_auto_replies_per_day,
                 "automatic replies to one address per 24 hours at most")
      ->capture_default_str()->check(CLI::Range(0, 1000));
  app.add_option("--smtp-url", options.outbox.smtp_url,
                 "SMTP relay for automatic replies, e.g. smtp://127.0.0.1:25 (none: they wait in the outbox)");
  app.add_option("--smtp-user", options.outbox.smtp_user, "SMTP user (password from TRIAGED_SMTP_PASSWORD)");
  app.add_option("--mail-from", options.outbox.from_address, "sender address of automatic replies")
      ->capture_default_str();
  app.add_option("--mail-from-name", options.outbox.from_name, "sender name of automatic replies");
  app.add_option("--message-id-domain", options.email.message_id_domain, "domain of the Message-IDs triaged makes")
      ->capture_default_str();
  int retry_base = static_cast<int>(options.outbox.retry_base.count());
  app.add_option("--smtp-retry-base", retry_base, "seconds before the first retry of a failed delivery; doubles")
      ->capture_default_str()->check(CLI::Range(1, 86400));
  app.add_option("--public-url", options.customer.public_url,
                 "where customers reach triaged: status links are PUBLIC_URL/status#TOKEN (default: the listen address)");
  app.add_option("--status-secret-file", options.status_secret_file,
                 "file holding the status link secret, made on first start (default: beside the database)");
  int link_days = static_cast<int>(options.customer.link_lifetime.count() / 24);
  app.add_option("--status-link-days", link_days, "days a status link in a mail stays valid")
      ->capture_default_str()->check(CLI::Range(1, 3650));
  app.add_option("--status-lookups-per-minute", options.customer.lookups_per_minute,
                 "status page lookups by reference, for the whole daemon, per minute (0: no limit)")
      ->capture_default_str()->check(CLI::Range(0, 100000));
  app.add_option("--status-lookups-per-reference", options.customer.lookups_per_ref_per_hour,
                 "status page lookups of one reference per hour (0: no limit)")
      ->capture_default_str()->check(CLI::Range(0, 100000));
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error")->capture_default_str();
  app.add_option("--log-format", config.log.format, "text, json (one object per line), or auto: json unless stdout is a terminal")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  options.outbox.retry_base = std::chrono::seconds(retry_base);
  options.read_timeout = std::chrono::seconds(read_timeout);
  options.customer.link_lifetime = std::chrono::hours(24 * link_days);
  if (const char* password = std::getenv(config.smtp_password_env.c_str())) options.outbox.smtp_password = password;
  if (auto logging = triaged::daemon::configure_logging(config.log); !logging) {
    std::fprintf(stderr, "triaged: %s\n", logging.error().c_str());
    return 2;
  }
  if (check_only) return check_config(config, config_file);

  triaged::daemon::Daemon daemon(options);
  if (auto started = daemon.start(); !started) {
    std::fprintf(stderr, "triaged: %s\n", started.error().c_str());
    return 1;
  }
  // Scripts and tests read the bound port from this line (it matters with --listen HOST:0).
  const auto colon = options.listen.rfind(':');
  std::printf("triaged listening on %s:%u\n", options.listen.substr(0, colon).c_str(), daemon.port());
  std::fflush(stdout);
  daemon.wait();
  return 0;
}
