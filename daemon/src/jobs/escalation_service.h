// The SLA escalation machinery the daemon runs: the escalation store over the ticket store's
// database, the scheduler that records due levels and the sender of their webhook calls.
// One object so the composition root starts and stops it in one line each.
#pragma once

#include <expected>
#include <memory>
#include <string>

#include "jobs/escalation_scheduler.h"
#include "jobs/webhook_sender.h"

namespace triaged::daemon {

class EscalationService {
 public:
  // Starts the scheduler and the webhook sender threads. Fails only for a store that keeps
  // no escalation tables.
  static std::expected<std::unique_ptr<EscalationService>, std::string> start(
      storage::TicketStore& store, EscalationScheduler::Hooks hooks, const EscalationOptions& options,
      const WebhookOptions& webhooks);
  ~EscalationService();  // stops

  // Stops both threads; before the store closes. Idempotent.
  void stop();

 private:
  EscalationService() = default;

  std::unique_ptr<storage::EscalationStore> store_;
  std::unique_ptr<WebhookSender> sender_;
  std::unique_ptr<EscalationScheduler> scheduler_;
};

}  // namespace triaged::daemon
