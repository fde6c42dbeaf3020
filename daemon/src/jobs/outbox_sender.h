// Delivers the outbox: a thread that takes due mail from the store, composes it (mail
// module) and hands it to the configured SMTP relay with libcurl. A failed attempt is
// recorded and retried with exponential backoff; after max_attempts it is marked failed.
// Every message carries Auto-Submitted and our loop header, so it can never start a loop.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "jobs/polling_worker.h"
#include "storage/mail_store.h"

namespace triaged::daemon {

struct OutboxOptions {
  std::string smtp_url;          // smtp://host:port or smtps://...; empty: mail waits in the outbox
  std::string smtp_user;
  std::string smtp_password;
  std::string from_address = "support@localhost";
  std::string from_name;
  std::string loop_header = "X-Triaged-Loop";
  std::string loop_token = "triaged";  // the loop header's value: which instance sent it
  std::chrono::milliseconds poll_interval{1000};
  std::chrono::seconds retry_base{30};  // wait after the first failure; doubles each time
  std::chrono::seconds retry_max{3600};
  int max_attempts = 10;
  std::chrono::seconds timeout{30};     // one SMTP conversation
  // The customer's signed status page link for a ticket (id, ref), put in place of
  // "{status_link}" at send time, so the link's lifetime starts when the mail leaves; empty:
  // the placeholder becomes "".
  std::function<std::string(std::int64_t, const std::string&)> status_link;
};

// One SMTP delivery: the composed message to one recipient. Empty on success, otherwise
// curl's reason. Exposed for triagectl and tests.
std::string send_smtp(const OutboxOptions& options, const std::string& to, const std::string& message);

class OutboxSender {
 public:
  OutboxSender(storage::OutboxStore& store, OutboxOptions options);
  ~OutboxSender();  // stops
  void start();
  // Wakes the thread now instead of at the next poll (after something was queued).
  void poke();
  void stop();

 private:
  void deliver_due();

  storage::OutboxStore& store_;
  const OutboxOptions options_;
  PollingWorker worker_;  // last: its thread uses the members above
};

}  // namespace triaged::daemon
