// The email path between the HTTP endpoint (or a quarantine reprocess) and the store: parse
// one raw message, decide whether it is a new ticket, a reply on a known ticket, an
// automatic message or something to quarantine, route it with the same rules and template
// checks as the web form, and hand the whole effect to the store as one MailWrite.
// Thread-safe; holds no state between messages (the store is the memory).
#pragma once

#include <chrono>
#include <expected>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mail/message.h"
#include "routing/routing.h"
#include "storage/ticket_store.h"

namespace triaged::daemon {

struct EmailOptions {
  mail::ParseOptions parse;
  // Automatic replies (asking for missing fields) to one address per rolling 24 hours.
  int max_auto_replies_per_day = 5;
  // The domain part of the Message-IDs triaged makes for its own mail.
  std::string message_id_domain = "triaged.localhost";
};

struct IngestResult {
  // "created" (routed into its queue), "needs_info" (stored, fields asked for), "appended"
  // (a reply, or automatic mail kept as a note, on its ticket), "merged" (a new report that
  // repeats an open ticket of its requester, appended there), "duplicate", "quarantined".
  std::string outcome;
  std::optional<storage::StoredTicket> ticket;
  std::int64_t quarantine_id = 0;
  std::string reason;                  // quarantined: why; duplicate: of what
  std::vector<std::string> missing;    // needs_info: the fields asked for
  bool reply_queued = false;
  bool released = false;               // appended: the reply completed a needs_info ticket
  std::optional<std::int64_t> duplicate_of;  // created, and linked as a duplicate of this ticket
};

class EmailIngest {
 public:
  EmailIngest(std::function<std::shared_ptr<const routing::RuleSet>()> rules, storage::TicketStore& store,
              std::function<std::chrono::system_clock::time_point()> clock, EmailOptions options);

  using Done = std::function<void(std::expected<IngestResult, storage::StoreError>)>;
  // `mailbox` is the address the message was delivered to ("" if unknown). `done` runs once,
  // on this thread or on the storage writer's; a StoreError means nothing was stored.
  // `reprocess` names the quarantine entry being retried: it is marked reprocessed once the
  // message becomes a ticket or a reply.
  void ingest(std::string raw, std::string mailbox, Done done, std::optional<std::int64_t> reprocess = {}) const;

  const EmailOptions& options() const { return options_; }

 private:
  std::function<std::shared_ptr<const routing::RuleSet>()> rules_;
  storage::TicketStore& store_;
  std::function<std::chrono::system_clock::time_point()> clock_;
  EmailOptions options_;
};

}  // namespace triaged::daemon
