// storage: what staff do to a ticket in their queue besides rerouting it (traffic.h): take it
// (claim) and move it through its statuses. Plain data; TicketStore (ticket_store.h) has the
// operations, each one transaction that updates the ticket and appends its events.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "storage/mail.h"

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
};

}  // namespace triaged::storage
