// One inbound mail's whole effect on PostgreSQL, inside the writer's transaction: the same
// steps as storage/src/mail_writer.cpp. Across nodes: a delivery another node stored at once
// fails on messages_inbound_once and the writer's retry answers it as a duplicate; the ticket
// an append updates is locked first, so two racing replies release it once; the daily reply
// cap counts under an advisory lock on the address, so two nodes cannot both pass it
// (pg_reply_queue.cpp).
#include "pg_mail_writer.h"

#include <exception>
#include <string_view>
#include <utility>

#include <boost/json.hpp>

#include "pg_admission.h"
#include "pg_mail_rows.h"
#include "pg_reply_queue.h"
#include "pg_ticket_rows.h"

namespace triaged::storage::pg {
namespace {

using Kind = MailOutcome::Kind;

StoreError bad_request(std::string message) { return StoreError{StoreError::Code::bad_request, std::move(message)}; }

template <typename T>
std::unexpected<StoreError> fail(Result<T>& r) {
  return std::unexpected(std::move(r.error()));
}

std::string to_json(const boost::json::object& data) { return boost::json::serialize(data); }

Result<std::optional<MailOutcome>> find_duplicate(Connection& db, const MailWrite& write) {
  auto inbound = find_inbound(db, write.mailbox, write.message_id);
  if (!inbound) return fail(inbound);
  if (*inbound) {
    auto ticket = select_ticket(db, (*inbound)->ticket_id);
    if (!ticket) return fail(ticket);
    MailOutcome outcome{.kind = Kind::duplicate, .ticket = std::move(*ticket)};
    outcome.message_id = (*inbound)->message_row_id;
    return outcome;
  }
  if (write.kind != MailWrite::Kind::quarantine) return std::optional<MailOutcome>();
  auto held = find_quarantined(db, write.mailbox, write.message_id);
  if (!held) return fail(held);
  if (!*held) return std::optional<MailOutcome>();
  return MailOutcome{.kind = Kind::duplicate, .quarantine_id = **held};
}

Result<std::int64_t> store_inbound(Connection& db, const MailWrite& write, std::int64_t ticket_id, Clock::time_point at) {
  const NewMessage& m = write.message;
  const std::string& mailbox = write.mailbox.empty() ? m.mailbox : write.mailbox;
  const std::string& message_id = write.message_id.empty() ? m.message_id : write.message_id;
  return insert_message(db, ticket_id, at, m, mailbox, message_id);
}

Result<void> add_events(Connection& db, std::int64_t ticket_id, Clock::time_point at,
                        const std::vector<EventRecord>& events) {
  for (const EventRecord& e : events) {
    if (auto added = insert_event(db, ticket_id, at, e.kind, e.data_json.empty() ? "{}" : e.data_json); !added)
      return added;
  }
  return {};
}

Result<void> link(Connection& db, const StoredTicket& ticket, std::int64_t other_id, Clock::time_point at) {
  auto other = select_ticket(db, other_id);
  if (!other) return fail(other);
  if (!*other) return std::unexpected(bad_request("no ticket " + std::to_string(other_id)));
  const boost::json::object here{
      {"ticket_id", other_id}, {"ref", (*other)->ref}, {"reason", "subject tag from another sender"}};
  if (auto added = insert_event(db, ticket.id, at, "linked", to_json(here)); !added) return added;
  const boost::json::object there{{"ticket_id", ticket.id}, {"ref", ticket.ref}};
  return insert_event(db, other_id, at, "linked", to_json(there));
}

Result<MailOutcome> finish(Connection& db, const MailWrite& write, const StoredTicket& ticket, Clock::time_point at,
                           MailOutcome outcome, bool follow_ups = true) {
  if (follow_ups) {
    if (auto added = add_events(db, ticket.id, at, write.events); !added) return fail(added);
    if (write.reply) {
      auto outbox_id = queue_capped_reply(db, ticket, at, *write.reply);
      if (!outbox_id) return fail(outbox_id);
      outcome.outbox_id = *outbox_id;
    }
  }
  auto current = select_ticket(db, ticket.id);
  if (!current) return fail(current);
  outcome.ticket = std::move(*current);
  return outcome;
}

Result<MailOutcome> create_ticket(Connection& db, const MailWrite& write) {
  const Clock::time_point at = write.received_at == Clock::time_point{} ? write.ticket.received_at : write.received_at;
  auto store_merged = [&](Connection& d, std::int64_t into_id) { return store_inbound(d, write, into_id, at); };
  auto created = create_one(db, write.ticket, store_merged);
  if (!created) return fail(created);
  const StoredTicket& ticket = created->ticket;
  if (created->merged) {
    MailOutcome merged{.kind = Kind::appended, .message_id = created->message_id, .merged = true};
    return finish(db, write, ticket, at, std::move(merged), /*follow_ups=*/false);
  }
  if (!created->created) return MailOutcome{.kind = Kind::duplicate, .ticket = ticket};
  MailOutcome outcome{.kind = Kind::created, .duplicate_of = created->duplicate_of};
  auto message_id = store_inbound(db, write, ticket.id, at);
  if (!message_id) return fail(message_id);
  outcome.message_id = *message_id;
  if (write.link_to) {
    if (auto linked = link(db, ticket, *write.link_to, at); !linked) return fail(linked);
  }
  return finish(db, write, ticket, at, std::move(outcome));
}

Result<bool> apply_update(Connection& db, const StoredTicket& ticket, const TicketUpdate& update, Clock::time_point at) {
  // The row is locked (append_to_ticket), so of two racing replies only the first releases.
  if (!update.only_if_status.empty() && update.only_if_status != ticket.status) return false;
  auto set = db.exec(
      "UPDATE tickets SET status = coalesce($2, status), fields_json = coalesce($3, fields_json), "
      "decision_json = coalesce($4, decision_json), due_at = CASE WHEN $5 THEN $6::bigint ELSE due_at END "
      "WHERE id = $1",
      {int64(ticket.id), update.status ? text(*update.status) : null(),
       update.fields_json ? text(*update.fields_json) : null(),
       update.decision_json ? text(*update.decision_json) : null(), boolean(update.due_at.has_value()),
       update.due_at ? int64(to_unix_ms(*update.due_at)) : null()});
  if (!set) return fail(set);
  if (update.status && *update.status != ticket.status) {
    const boost::json::object data{{"from", ticket.status}, {"to", *update.status}};
    if (auto added = insert_event(db, ticket.id, at, "status_changed", to_json(data)); !added) return fail(added);
  }
  return true;
}

Result<MailOutcome> append_to_ticket(Connection& db, const MailWrite& write) {
  const Clock::time_point at = write.received_at;
  auto found = select_ticket_for_update(db, write.ticket_id);
  if (!found) return fail(found);
  if (!*found) return std::unexpected(bad_request("no ticket " + std::to_string(write.ticket_id)));
  const StoredTicket& ticket = **found;
  MailOutcome outcome{.kind = Kind::appended};
  auto message_id = store_inbound(db, write, ticket.id, at);
  if (!message_id) return fail(message_id);
  outcome.message_id = *message_id;
  const boost::json::object received{
      {"message_row_id", *message_id}, {"kind", write.message.kind}, {"from", write.message.from_address}};
  if (auto added = insert_event(db, ticket.id, at, "message_received", to_json(received)); !added) return fail(added);
  if (write.update) {
    auto applied = apply_update(db, ticket, *write.update, at);
    if (!applied) return fail(applied);
    outcome.update_applied = *applied;
  }
  if (auto touched = touch_ticket(db, ticket.id, at); !touched) return fail(touched);
  const bool follow_ups = !write.update || outcome.update_applied;
  return finish(db, write, ticket, at, std::move(outcome), follow_ups);
}

Result<MailOutcome> quarantine(Connection& db, const MailWrite& write) {
  auto id = insert_quarantine(db, write.received_at, write.mailbox, write.message_id, write.quarantine_reason, write.raw);
  if (!id) return fail(id);
  return MailOutcome{.kind = Kind::quarantined, .quarantine_id = *id};
}

}  // namespace

Result<MailOutcome> write_mail_one(Connection& db, const MailWrite& write) {
  try {
    auto duplicate = find_duplicate(db, write);
    if (!duplicate) return fail(duplicate);
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

}  // namespace triaged::storage::pg
