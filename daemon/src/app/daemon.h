// The composition root: loads the rules, opens the store, serves HTTP on an Asio thread
// pool, reloads rules on demand and drains on stop. main() only turns flags into
// DaemonOptions; tests run a Daemon in-process on port 0.
#pragma once

#include <chrono>
#include <cstddef>
#include <expected>
#include <memory>
#include <string>
#include <vector>

#include "http/access.h"
#include "http/customer_portal.h"
#include "intake/email_ingest.h"
#include "jobs/escalation_scheduler.h"
#include "jobs/outbox_sender.h"
#include "common/server_limits.h"
#include "jobs/webhook_sender.h"

namespace triaged::daemon {

struct DaemonOptions {
  std::string listen = "127.0.0.1:8080";   // HOST:PORT, [IPv6]:PORT; port 0 picks a free one
  std::string db_path = "data/triaged.db"; // its folder is created if missing
  std::string rules_path;                  // empty: the example rule set built into the binary
  int threads = 2;
  std::size_t max_body = limits::kDefaultMaxBody;
  std::size_t max_email_body = limits::kDefaultMaxEmailBody;  // POST /api/v1/ingest/email
  std::chrono::seconds read_timeout = limits::kReadTimeout;   // a header block, or idle keep-alive
  std::size_t max_connections = limits::kDefaultMaxConnections;  // beyond: 503 and close
  std::size_t max_connections_per_client = limits::kDefaultMaxConnectionsPerClient;  // one address's share
  EmailOptions email;                      // parsing limits, automatic reply cap
  OutboxOptions outbox;                    // SMTP relay for automatic replies
  // SLA escalations: how often open tickets are scanned (its message_id_domain is taken from
  // `email`), and how escalation webhooks are signed and retried.
  EscalationOptions escalation;
  WebhookOptions webhooks;
  bool handle_signals = false;             // SIGHUP reloads, SIGTERM/SIGINT stop
  bool watch_rules = false;                // reload when rules_path changes on disk (inotify)
  std::vector<ApiKey> api_keys;            // empty: the API is open (admin: loopback only)
  // Host names answered besides localhost, 127.0.0.1, ::1 and the listen address (config `hosts`).
  std::vector<std::string> hosts;
  // The customer's side (docs/customer.md): links, lookup limits. Its daily cap and
  // Message-ID domain are taken from `email`.
  CustomerPortalOptions customer;
  // Where the status link secret is kept; "": beside the database (<db_path>.status-secret),
  // or, for ":memory:", a secret made for this run.
  std::string status_secret_file;
};

class Daemon {
 public:
  explicit Daemon(DaemonOptions options);
  ~Daemon();  // stops if running

  // Loads rules, opens the database, binds and starts serving. Any failure is returned as a
  // message fit for the admin (file:line:column for rules, the path for the database, the
  // address for the socket) and leaves nothing running.
  std::expected<void, std::string> start();
  unsigned short port() const;
  std::string rules_version() const;

  // Builds a new rule set from rules_path off to the side (parse, validate, compile, run its
  // inline tests) and swaps it in; requests in flight finish with the set they started with.
  // On any error the old rules stay live and the errors are returned. Returns the new version.
  // SIGHUP, POST /api/v1/admin/rules/reload and the file watch all come here.
  std::expected<std::string, std::string> reload();

  // Stops accepting, lets in-flight requests finish (bounded), flushes the store. Idempotent.
  void stop();
  // Blocks until stop() has completed (from a signal or another thread).
  void wait();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// The example rule set compiled into the binary, and the name diagnostics use for it.
std::string_view embedded_rules_text();
const char* embedded_rules_source();
// The model the example rules name, built in beside them (examples/eshop-ru/model.txt).
std::string_view embedded_model_text();

}  // namespace triaged::daemon
