// The SLA scheduler: every scan_interval it reads the open tickets, asks routing which
// escalation levels of the live rule set are due for each (routing::due_escalations, in the
// rule set's business calendar), and records each one with its effect through the store,
// where a UNIQUE (ticket, level) makes it fire once however often it is asked. Mail goes to
// the outbox (OutboxSender delivers it), webhook calls to the webhook outbox (WebhookSender),
// reassignments happen in the same transaction. The clock is injected, so tests walk time.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "jobs/polling_worker.h"
#include "routing/sla.h"
#include "storage/escalations.h"

namespace triaged::daemon {

struct Metrics;

struct EscalationOptions {
  // How often the open tickets are scanned: how late, at most, a level fires.
  std::chrono::milliseconds scan_interval{10000};
  // The domain of the Message-IDs of escalation mail.
  std::string message_id_domain = "triaged.localhost";
};

struct ScanReport {
  int tickets = 0;   // open tickets looked at
  int recorded = 0;  // escalations recorded by this scan
  int failed = 0;    // escalations the store refused (logged)
};

class EscalationScheduler {
 public:
  using Clock = std::chrono::system_clock;
  struct Hooks {
    std::function<std::shared_ptr<const routing::RuleSet>()> rules;
    std::function<Clock::time_point()> clock = [] { return Clock::now(); };
    Metrics* metrics = nullptr;             // null: nothing counted
    std::function<void()> mail_queued;      // after an escalation queued mail
    std::function<void()> webhook_queued;   // after one queued a webhook call
  };

  EscalationScheduler(storage::EscalationStore& store, Hooks hooks, EscalationOptions options);
  ~EscalationScheduler();  // stops

  // One pass over every open ticket at clock(). What the thread does every scan_interval.
  ScanReport scan();

  void start();
  void stop();

 private:
  // Fixed at construction.
  storage::EscalationStore& store_;
  const Hooks hooks_;
  const EscalationOptions options_;

  PollingWorker worker_;  // last: its thread uses the members above
};

// What recording `due` for `ticket` means under `rules` at `now`: the mail, webhook call or
// reassignment of its action, or a note saying why there is none (nobody to mail).
storage::Escalation plan_escalation(const routing::RuleSet& rules, const storage::SlaTicket& ticket,
                                    const routing::DueEscalation& due, std::chrono::system_clock::time_point now,
                                    const EscalationOptions& options);

}  // namespace triaged::daemon
