#include "mail_writer.h"

#include <chrono>
#include <exception>
#include <string_view>
#include <utility>

#include <boost/json.hpp>

#include "mail_rows.h"
#include "reply_queue.h"
#include "ticket_row.h"

namespace triaged::storage {
namespace {

using Kind = MailOutcome::Kind;

StoreError bad_request(std::string message) {
  return StoreError{StoreError::Code::bad_request, std::move(message)};
}

std::string to_json(const boost::json::object& data) { return boost::json::serialize(data); }

Result<std::optional<MailOutcome>> find_duplicate(Database& db, const MailWrite& write) {
  auto inbound = find_inbound(db, write.mailbox, write.message_id);
  if (!inbound) return std::unexpected(std::move(inbound.error()));
  if (*inbound) {
    auto ticket = select_ticket(db, (*inbound)->ticket_id);
    if (!ticket) return std::unexpected(std::move(ticket.error()));
    MailOutcome outcome{.kind = Kind::duplicate, .ticket = std::move(*ticket)};
    outcome.message_id = (*inbound)->message_row_id;
    return outcome;
  }
  if (write.kind != MailWrite::Kind::quarantine) return std::optional<MailOutcome>();
  auto held = find_quarantined(db, write.mailbox, write.message_id);
  if (!held) return std::unexpected(std::move(held.error()));
  if (!*held) return std::optional<MailOutcome>();
  return MailOutcome{.kind = Kind::duplicate, .quarantine_id = **held};
}

Result<std::int64_t> store_inbound(Database& db, const MailWrite& write, std::int64_t ticket_id,
                                   Clock::time_point at) {
  // The write's pair is what duplicates are looked up by, so it is what the row must carry;
  // the message's own fields only fill in where the write left them empty.
  const NewMessage& m = write.message;
  const std::string& mailbox = write.mailbox.empty() ? m.mailbox : write.mailbox;
  const std::string& message_id = write.message_id.empty() ? m.message_id : write.message_id;
  return insert_message(db, ticket_id, at, m, mailbox, message_id);
}

Result<void> add_events(Database& db, std::int64_t ticket_id, Clock::time_point at,
                        const std::vector<EventRecord>& events) {
  for (const EventRecord& e : events) {
    const std::string_view data = e.data_json.empty() ? std::string_view("{}") : std::string_view(e.data_json);
    if (auto added = insert_event(db, ticket_id, at, e.kind, data); !added) return added;
  }
  return {};
}

Result<void> link(Database& db, const StoredTicket& ticket, std::int64_t other_id,
                  Clock::time_point at) {
  auto other = select_ticket(db, other_id);
  if (!other) return std::unexpected(std::move(other.error()));
  if (!*other) return std::unexpected(bad_request("no ticket " + std::to_string(other_id)));
  const boost::json::object here{{"ticket_id", other_id},
                                 {"ref", (*other)->ref},
                                 {"reason", "subject tag from another sender"}};
  if (auto added = insert_event(db, ticket.id, at, "linked", to_json(here)); !added) {
    return added;
  }
  const boost::json::object there{{"ticket_id", ticket.id}, {"ref", ticket.ref}};
  return insert_event(db, other_id, at, "linked", to_json(there));
}

// Events, reply and the re-read every write that touched a ticket ends with. Without
// follow-ups (an update that did not apply) only the re-read remains.
Result<MailOutcome> finish(Database& db, const MailWrite& write, const StoredTicket& ticket,
                           Clock::time_point at, MailOutcome outcome, bool follow_ups = true) {
  if (!follow_ups) {
    auto current = select_ticket(db, ticket.id);
    if (!current) return std::unexpected(std::move(current.error()));
    outcome.ticket = std::move(*current);
    return outcome;
  }
  if (auto added = add_events(db, ticket.id, at, write.events); !added) {
    return std::unexpected(std::move(added.error()));
  }
  if (write.reply) {
    auto outbox_id = queue_capped_reply(db, ticket, at, *write.reply);
    if (!outbox_id) return std::unexpected(std::move(outbox_id.error()));
    outcome.outbox_id = *outbox_id;
  }
  auto current = select_ticket(db, ticket.id);
  if (!current) return std::unexpected(std::move(current.error()));
  outcome.ticket = std::move(*current);
  return outcome;
}

Result<MailOutcome> create_ticket(Database& db, const MailWrite& write) {
  const Clock::time_point at =
      write.received_at == Clock::time_point{} ? write.ticket.received_at : write.received_at;
  // A mail that repeats an open ticket of its requester is stored there as it is.
  auto store_merged = [&](Database& d, std::int64_t into_id) { return store_inbound(d, write, into_id, at); };
  auto created = create_one(db, write.ticket, store_merged);
  if (!created) return std::unexpected(std::move(created.error()));
  const StoredTicket& ticket = created->ticket;
  if (created->merged) {
    // The write's events and reply were decided for a new ticket; the one it joined has
    // its own state and questions.
    MailOutcome merged{.kind = Kind::appended, .message_id = created->message_id, .merged = true};
    return finish(db, write, ticket, at, std::move(merged), /*follow_ups=*/false);
  }
  // An idempotency key seen before: the mail already made this ticket.
  if (!created->created) return MailOutcome{.kind = Kind::duplicate, .ticket = ticket};

  MailOutcome outcome{.kind = Kind::created, .duplicate_of = created->duplicate_of};
  auto message_id = store_inbound(db, write, ticket.id, at);
  if (!message_id) return std::unexpected(std::move(message_id.error()));
  outcome.message_id = *message_id;
  if (write.link_to) {
    if (auto linked = link(db, ticket, *write.link_to, at); !linked) {
      return std::unexpected(std::move(linked.error()));
    }
  }
  return finish(db, write, ticket, at, std::move(outcome));
}

Result<bool> apply_update(Database& db, const StoredTicket& ticket, const TicketUpdate& update,
                          Clock::time_point at) {
  // Checked inside the write lock, so of two racing replies only the first one releases.
  if (!update.only_if_status.empty() && update.only_if_status != ticket.status) return false;
  auto set = db.prepare(
      "UPDATE tickets SET status = coalesce(?2, status), "
      "fields_json = coalesce(?3, fields_json), decision_json = coalesce(?4, decision_json), "
      "due_at = CASE WHEN ?5 THEN ?6 ELSE due_at END WHERE id = ?1");
  if (!set) return std::unexpected(std::move(set.error()));
  set->bind(1, ticket.id);
  if (update.status) set->bind(2, *update.status);
  if (update.fields_json) set->bind(3, *update.fields_json);
  if (update.decision_json) set->bind(4, *update.decision_json);
  set->bind(5, std::int64_t{update.due_at ? 1 : 0});
  if (update.due_at) set->bind(6, to_unix_ms(*update.due_at));
  if (auto done = set->run(); !done) return std::unexpected(std::move(done.error()));
  if (update.status && *update.status != ticket.status) {
    const boost::json::object data{{"from", ticket.status}, {"to", *update.status}};
    if (auto added = insert_event(db, ticket.id, at, "status_changed", to_json(data)); !added) {
      return std::unexpected(std::move(added.error()));
    }
  }
  return true;
}

Result<MailOutcome> append_to_ticket(Database& db, const MailWrite& write) {
  const Clock::time_point at = write.received_at;
  auto found = select_ticket(db, write.ticket_id);
  if (!found) return std::unexpected(std::move(found.error()));
  if (!*found) return std::unexpected(bad_request("no ticket " + std::to_string(write.ticket_id)));
  const StoredTicket& ticket = **found;

  MailOutcome outcome{.kind = Kind::appended};
  auto message_id = store_inbound(db, write, ticket.id, at);
  if (!message_id) return std::unexpected(std::move(message_id.error()));
  outcome.message_id = *message_id;
  const boost::json::object received{{"message_row_id", *message_id},
                                     {"kind", write.message.kind},
                                     {"from", write.message.from_address}};
  if (auto added = insert_event(db, ticket.id, at, "message_received", to_json(received));
      !added) {
    return std::unexpected(std::move(added.error()));
  }
  if (write.update) {
    auto applied = apply_update(db, ticket, *write.update, at);
    if (!applied) return std::unexpected(std::move(applied.error()));
    outcome.update_applied = *applied;
  }
  if (auto touched = touch_ticket(db, ticket.id, at); !touched) return std::unexpected(std::move(touched.error()));
  const bool follow_ups = !write.update || outcome.update_applied;
  return finish(db, write, ticket, at, std::move(outcome), follow_ups);
}

Result<MailOutcome> quarantine(Database& db, const MailWrite& write) {
  auto id = insert_quarantine(db, write.received_at, write.mailbox, write.message_id,
                              write.quarantine_reason, write.raw);
  if (!id) return std::unexpected(std::move(id.error()));
  return MailOutcome{.kind = Kind::quarantined, .quarantine_id = *id};
}

}  // namespace

Result<MailOutcome> write_mail_one(Database& db, const MailWrite& write) {
  // Boost.JSON and the copies here throw only on allocation failure; no exception may leave
  // storage, so it becomes an error like any other.
  try {
    auto duplicate = find_duplicate(db, write);
    if (!duplicate) return std::unexpected(std::move(duplicate.error()));
    if (*duplicate) return std::move(**duplicate);
    switch (write.kind) {
      case MailWrite::Kind::create_ticket: return create_ticket(db, write);
      case MailWrite::Kind::append_to_ticket: return append_to_ticket(db, write);
      case MailWrite::Kind::quarantine: return quarantine(db, write);
    }
    return std::unexpected(bad_request("unknown MailWrite kind"));
  } catch (const std::exception& e) {
    return std::unexpected(StoreError{StoreError::Code::io, e.what()});
  }
}

}  // namespace triaged::storage
