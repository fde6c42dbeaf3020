// The requester side of accepting a ticket, shared by the web form and the email path: find
// the requester's profile by normalised email and phone, let route() fill what they gave
// before (routing::Ticket::known), and say what the new ticket adds to the profile and how it
// is matched against their open tickets (storage's RequesterKeys, remember, DuplicatePolicy).
#pragma once

#include <chrono>
#include <optional>

#include "routing/routing.h"
#include "storage/requesters.h"
#include "storage/tickets.h"

namespace triaged::daemon {

// The ticket's keys, normalised: its requester's email and phone, else the email and phone
// fields it sends. Never values found in the text: a body mentions other people's numbers
// (a courier's, a pharmacy's), and a key, once taken, names one profile for good. Values
// that do not normalise are no key.
storage::RequesterKeys requester_keys(const routing::Ticket& ticket);

struct RoutedWithHistory {
  routing::Decision decision;
  std::optional<storage::RequesterProfile> profile;  // found by the ticket's keys
};

// route() with the requester's history: looks the profile up by the ticket's keys and fills
// ticket.known from it. A failed lookup is logged and routing goes on without history: a
// ticket is never refused for it.
RoutedWithHistory route_with_history(storage::RequesterStore& store, const routing::RuleSet& rules,
                                     routing::Ticket& ticket, std::chrono::system_clock::time_point now);

// Sets the requester parts of `nt` from the decision it was routed with: keys, the values to
// remember (name, email, phone and `remember: true` fields the ticket itself gave), and the
// duplicate policy (none when the topic's action is `off`).
void add_requester_parts(storage::NewTicket& nt, const routing::RuleSet& rules, const routing::Decision& decision);

}  // namespace triaged::daemon
