// storage: who asks. Every ticket's requester is matched to a profile by normalised email and
// phone (the caller normalises; identity/ does it); a profile keeps the name, every email and
// phone it was seen with, the values worth remembering, and its tickets. A new ticket that
// repeats an open ticket of the same requester is merged into it or linked to it, decided
// inside the writer's transaction so two racing reports cannot both become "the first".
// RequesterStore reads profiles and links; the writes happen inside ticket and mail writes
// (tickets.h, mail_store.h) and staff link changes (ticket_actions.h).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "storage/mail.h"
#include "storage/result.h"

namespace triaged::storage {

// The keys a ticket's requester is known by, already normalised ("+79161234567",
// "ivan@example.ru"); empty: the ticket has none. A key belongs to one profile: the first
// ticket that brings it decides which.
struct RequesterKeys {
  std::string email;
  std::string phone;
  bool empty() const { return email.empty() && phone.empty(); }
};

// How a new ticket is compared with its requester's open tickets (routing::DuplicateCheck in
// storage's terms). The writer looks at tickets of the same profile, not resolved or closed,
// created within `window` before this one: one with an equal value of a match field is a
// duplicate; else, with by_topic, one with the same topic and no match field that differs.
// The oldest such ticket wins. `merge` appends the new ticket to it as a message when both
// are routed to the same department (a merge never moves work to another department);
// otherwise, and with `link`, the new ticket is created and linked to it as `duplicate_of`.
struct DuplicatePolicy {
  enum class Action { merge, link };
  Action action = Action::merge;
  std::chrono::seconds window{0};
  bool by_topic = true;
  std::map<std::string, std::string> match_values;  // field id -> value
};

// A value the requester gave, kept on their profile.
struct RememberedValue {
  std::string value;
  std::int64_t ticket_id = 0;        // the ticket that last gave it
  std::string ticket_ref;
  Clock::time_point at;
};

struct RequesterTicket {
  std::int64_t id = 0;
  std::string ref;
  std::string topic;
  std::string department;
  std::string status;
  std::string subject;
  Clock::time_point created_at;
};

struct RequesterProfile {
  std::int64_t id = 0;
  std::string name;                  // as last given
  std::vector<std::string> emails;   // normalised, first seen first
  std::vector<std::string> phones;
  std::map<std::string, RememberedValue> values;  // field id -> value (name, email, phone, remembered fields)
  std::vector<RequesterTicket> tickets;           // newest first, at most 100
  Clock::time_point created_at;
  Clock::time_point updated_at;
};

// A link between two tickets, seen from one of them: "duplicate_of" (this ticket repeats
// `other`), "duplicated_by" (the reverse), or "related" (set by hand, no direction).
struct TicketLink {
  std::int64_t other_id = 0;
  std::string other_ref;
  std::string kind;
  std::string other_status;
  Clock::time_point at;
};

// Staff link or unlink two tickets by hand. Linking `duplicate_of` says ticket_id repeats
// other_id. Both tickets get a "linked" (or "unlinked") event naming the other.
struct LinkChange {
  std::int64_t ticket_id = 0;
  std::int64_t other_id = 0;
  bool unlink = false;
  std::string kind = "duplicate_of"; // link: "duplicate_of" or "related"
  std::string reason;
  std::string actor;
  Clock::time_point at;
};

class RequesterStore {
 public:
  virtual ~RequesterStore() = default;

  // The profile owning the email key, else the one owning the phone key; nullopt if neither
  // is known or both keys are empty.
  virtual Result<std::optional<RequesterProfile>> find_requester(const RequesterKeys& keys) = 0;
  virtual Result<std::optional<RequesterProfile>> requester(std::int64_t id) = 0;
  // The ticket's links, oldest first.
  virtual Result<std::vector<TicketLink>> links(std::int64_t ticket_id) = 0;
};

}  // namespace triaged::storage
