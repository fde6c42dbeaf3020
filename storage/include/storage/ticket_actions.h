// storage: what staff do to a ticket in their queue: reroute it (the Reroute record is in
// traffic.h, since reroutes are also how rules are judged), take it (claim), move it through
// its statuses, link it to another. StaffActionStore has the operations, each one transaction
// on the write connection that updates the ticket and appends its events. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "storage/mail.h"
#include "storage/requesters.h"
#include "storage/result.h"
#include "storage/satisfaction.h"
#include "storage/tickets.h"
#include "storage/traffic.h"

namespace triaged::storage {

// A staff member takes a ticket. Claiming a "new" ticket also moves it to "in_progress":
// someone is on it, and the queue board must stop showing it as untouched.
struct Claim {
  std::int64_t ticket_id = 0;
  std::string assignee;              // non-empty
  // A ticket claimed by someone else is only taken from them when this is set; otherwise
  // claim() leaves it alone, so two people clicking at once cannot both believe it is theirs.
  bool take_over = false;
  Clock::time_point at;
};

// A staff member moves a ticket to another status. The store takes any non-empty status;
// which ones staff may set is the API's rule.
struct StatusChange {
  std::int64_t ticket_id = 0;
  std::string status;                // non-empty
  std::string reason;                // "" when none given
  std::string actor;                 // who did it; "" when unknown
  Clock::time_point at;
  // A change to "resolved" of a ticket never asked before asks this survey
  // (satisfaction.h) in the same transaction; otherwise it is ignored.
  std::optional<SurveyRequest> survey;
};

// The outcome of reroute(): the ticket as it is now, and whether this call changed it (false
// when it already had that topic and department; then nothing was recorded).
struct RerouteOutcome {
  StoredTicket ticket;
  bool changed = true;
};

// The outcome of claim() and change_status(): the ticket as it is now, and whether this call
// changed it (false: nothing was recorded).
struct TicketActionOutcome {
  StoredTicket ticket;
  bool changed = true;
};

class StaffActionStore {
 public:
  virtual ~StaffActionStore() = default;

  // Sets the ticket's topic, department and updated_at and appends a "rerouted" event
  // {from_topic, from_department, to_topic, to_department, reason, actor}, in one
  // transaction on the write connection. The stored decision, priority and due time stay as
  // routed. A ticket that already has that topic and department is returned unchanged
  // (changed=false) and nothing is recorded. A missing ticket fails with Code::bad_request.
  virtual Result<RerouteOutcome> reroute(const Reroute& reroute) = 0;

  // Sets the assignee and updated_at and appends a "claimed" event {assignee,
  // previous_assignee}; a "new" ticket also becomes "in_progress" with a "status_changed"
  // event {from, to, reason: "claimed", actor}. One transaction on the write connection. A
  // ticket the assignee already holds, or that someone else holds while take_over is unset,
  // is returned unchanged (changed=false; its assignee says who holds it) and nothing is
  // recorded. A missing ticket or an empty assignee fails with Code::bad_request.
  virtual Result<TicketActionOutcome> claim(const Claim& claim) = 0;
  // Sets the status and updated_at and appends a "status_changed" event {from, to, reason,
  // actor}, in one transaction. With a survey, a change to "resolved" of a ticket never asked
  // also records the ask, queues its mail (or an "auto_reply_suppressed" event over the cap)
  // and appends a "satisfaction_asked" event {closes_at, mailed, outbox_id}. A ticket already in that status is returned unchanged
  // (changed=false) and nothing is recorded. A missing ticket or an empty status fails with
  // Code::bad_request.
  virtual Result<TicketActionOutcome> change_status(const StatusChange& change) = 0;

  // Links or unlinks two tickets in one transaction, with a "linked"/"unlinked" event
  // {ticket_id, ref, kind, reason, actor} on each. Linking a linked pair again, or
  // unlinking an unlinked one, changes nothing (changed=false). A missing ticket, a ticket
  // linked to itself or an unknown kind fails with Code::bad_request.
  virtual Result<TicketActionOutcome> change_link(const LinkChange& change) = 0;
};

}  // namespace triaged::storage
