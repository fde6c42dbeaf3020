// Delivers the webhook outbox of escalations: a thread that takes due calls from the store and
// POSTs each body as JSON with libcurl, signed with an HMAC-SHA256 of the body under a secret
// read from the environment at send time (rule files and the database never hold it). A
// failed attempt (no answer, not 2xx, no secret) is recorded and retried with exponential
// backoff; after max_attempts the call is marked failed.
#pragma once

#include <chrono>
#include <string>

#include "jobs/polling_worker.h"
#include "storage/escalations.h"

namespace triaged::daemon {

struct WebhookOptions {
  // The variable holding the secret for levels whose rule names none (`secret_env`).
  std::string default_secret_env = "TRIAGED_WEBHOOK_SECRET";
  std::chrono::milliseconds poll_interval{1000};
  std::chrono::seconds retry_base{30};  // wait after the first failure; doubles each time
  std::chrono::seconds retry_max{3600};
  int max_attempts = 10;
  std::chrono::seconds timeout{10};     // one POST, connecting included
};

// The signature header's name and value: "X-Triaged-Signature: sha256=<hex>".
inline constexpr const char* kSignatureHeader = "X-Triaged-Signature";
// Lower-case hex HMAC-SHA256 of `body` under `key`.
std::string hmac_sha256_hex(const std::string& key, const std::string& body);

// One POST of `body` (application/json) to `url` with the signature header. Empty on a 2xx
// answer, otherwise why not ("HTTP 500", curl's reason). Exposed for tests.
std::string post_webhook(const std::string& url, const std::string& body, const std::string& signature,
                         std::chrono::seconds timeout);

class WebhookSender {
 public:
  WebhookSender(storage::EscalationStore& store, WebhookOptions options);
  ~WebhookSender();  // stops
  void start();
  // Wakes the thread now instead of at the next poll (after a call was queued).
  void poke();
  void stop();
  // One pass over the due calls; what the thread does each time it wakes. For tests.
  void deliver_due();

 private:
  storage::EscalationStore& store_;
  const WebhookOptions options_;
  PollingWorker worker_;  // last: its thread uses the members above
};

}  // namespace triaged::daemon
