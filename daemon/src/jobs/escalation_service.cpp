#include "jobs/escalation_service.h"

namespace triaged::daemon {

std::expected<std::unique_ptr<EscalationService>, std::string> EscalationService::start(
    storage::TicketStore& store, EscalationScheduler::Hooks hooks, const EscalationOptions& options,
    const WebhookOptions& webhooks) {
  auto tables = storage::open_escalations(store);
  if (!tables) return std::unexpected("escalations: " + tables.error().message);
  std::unique_ptr<EscalationService> service(new EscalationService());
  service->store_ = std::move(*tables);
  service->sender_ = std::make_unique<WebhookSender>(*service->store_, webhooks);
  WebhookSender* sender = service->sender_.get();
  hooks.webhook_queued = [sender] { sender->poke(); };
  service->scheduler_ = std::make_unique<EscalationScheduler>(*service->store_, std::move(hooks), options);
  service->sender_->start();
  service->scheduler_->start();
  return service;
}

EscalationService::~EscalationService() { stop(); }

void EscalationService::stop() {
  // The scheduler first: its last scan may still queue a call for the sender.
  if (scheduler_) scheduler_->stop();
  if (sender_) sender_->stop();
}

}  // namespace triaged::daemon
