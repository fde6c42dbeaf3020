// triaged: flags in, Daemon out. Everything else lives in daemon.cpp.
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <cstdlib>

#include "daemon.h"

int main(int argc, char** argv) {
  triaged::daemon::DaemonOptions options;
  options.handle_signals = true;
  std::string log_level = "info";
  CLI::App app{"triaged: routes helpdesk tickets to the right department's queue"};
  app.add_option("--listen", options.listen, "HOST:PORT to serve HTTP on; port 0 picks a free port")
      ->capture_default_str();
  app.add_option("--db", options.db_path, "SQLite database file (created if missing)")->capture_default_str();
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
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  options.outbox.retry_base = std::chrono::seconds(retry_base);
  options.read_timeout = std::chrono::seconds(read_timeout);
  if (const char* password = std::getenv("TRIAGED_SMTP_PASSWORD")) options.outbox.smtp_password = password;
  spdlog::set_level(spdlog::level::from_str(log_level));

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
