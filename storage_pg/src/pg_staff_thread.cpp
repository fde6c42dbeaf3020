// PgTicketStore's part for staff replies, internal notes, deflections and the customer's view
// of a thread (storage/staff_thread.h, deflections.h, customer_view.h); the same rows as the
// SQLite store's (storage/src/staff_thread_rows.cpp, mail_reader.cpp). Each write is one
// transaction on a pooled connection, as staff actions are, and locks the ticket row first:
// two nodes writing on one ticket take turns, and updated_at only moves forward.
#include <exception>
#include <string>
#include <utility>

#include <boost/json.hpp>

#include "pg_mail_rows.h"
#include "pg_reply_queue.h"
#include "pg_ticket_rows.h"
#include "pg_ticket_store.h"

namespace triaged::storage::pg {
namespace {

StoreError bad_request(std::string message) { return StoreError{StoreError::Code::bad_request, std::move(message)}; }

template <typename T>
std::unexpected<StoreError> fail(Result<T>& r) {
  return std::unexpected(std::move(r.error()));
}


Result<StaffReplyOutcome> insert_staff_reply(Connection& db, const StaffReply& reply) {
  auto ticket = locked_ticket(db, reply.ticket_id);
  if (!ticket) return fail(ticket);
  OutboxMail mail = reply.mail;
  mail.subject = with_ref(std::move(mail.subject), ticket->ref);
  mail.text = with_ref(std::move(mail.text), ticket->ref);
  mail.daily_cap = 0;  // a person's answer is not an automatic reply
  StaffReplyOutcome outcome;
  auto outbox_id = insert_outbox(db, ticket->id, reply.at, mail);
  if (!outbox_id) return fail(outbox_id);
  outcome.outbox_id = *outbox_id;

  // On the thread as an "out" message under our Message-ID, so the customer's answer to it
  // threads back to this ticket (MailStore::find_ticket_by_message_ids).
  NewMessage out;
  out.direction = "out";
  out.from_name = reply.author;
  out.to_address = mail.to_address;
  out.subject = mail.subject;
  out.text = mail.text;
  auto message_row = insert_message(db, ticket->id, reply.at, out, "", mail.message_id);
  if (!message_row) return fail(message_row);
  outcome.message_row_id = *message_row;

  auto data = serialize({{"message_row_id", *message_row},
                         {"outbox_id", *outbox_id},
                         {"to", mail.to_address},
                         {"actor", reply.author}});
  if (!data) return fail(data);
  if (auto added = insert_event(db, ticket->id, reply.at, "staff_reply", *data); !added) return fail(added);
  if (auto touched = touch_ticket(db, ticket->id, reply.at); !touched) return fail(touched);
  auto current = select_ticket(db, ticket->id);
  if (!current) return fail(current);
  if (!*current) return std::unexpected(bad_request("no ticket " + std::to_string(ticket->id)));
  outcome.ticket = std::move(**current);
  return outcome;
}

Result<StoredNote> insert_note(Connection& db, const NewNote& note) {
  auto ticket = locked_ticket(db, note.ticket_id);
  if (!ticket) return fail(ticket);
  auto inserted = db.exec("INSERT INTO internal_notes (ticket_id, at, author, text) VALUES ($1, $2, $3, $4) "
                          "RETURNING id",
                          {int64(note.ticket_id), int64(to_unix_ms(note.at)), text(note.author), text(note.text)});
  if (!inserted) return fail(inserted);
  StoredNote stored{inserted->int64(0, 0), note.ticket_id, note.at, note.author, note.text};
  // The event says that a note was added and by whom; its text stays in internal_notes.
  auto data = serialize({{"note_id", stored.id}, {"actor", note.author}});
  if (!data) return fail(data);
  if (auto added = insert_event(db, note.ticket_id, note.at, "note_added", *data); !added) return fail(added);
  if (auto touched = touch_ticket(db, note.ticket_id, note.at); !touched) return fail(touched);
  return stored;
}

Result<std::vector<StoredNote>> read_notes(Connection& db, std::int64_t ticket_id) {
  auto rows = db.exec("SELECT id, ticket_id, at, author, text FROM internal_notes WHERE ticket_id = $1 ORDER BY id",
                      {int64(ticket_id)});
  if (!rows) return fail(rows);
  std::vector<StoredNote> notes;
  for (int r = 0; r < rows->size(); ++r)
    notes.push_back({rows->int64(r, 0), rows->int64(r, 1), from_unix_ms(rows->int64(r, 2)), rows->text(r, 3),
                     rows->text(r, 4)});
  return notes;
}

Result<std::int64_t> insert_deflection(Connection& db, const Deflection& d) {
  if (d.topic.empty() || d.answer_id.empty())
    return std::unexpected(bad_request("a deflection needs a topic and an answer"));
  auto inserted = db.exec("INSERT INTO deflections (at, topic, answer_id, channel) VALUES ($1, $2, $3, $4) RETURNING id",
                          {int64(to_unix_ms(d.at)), text(d.topic), text(d.answer_id), text(d.channel)});
  if (!inserted) return fail(inserted);
  return inserted->int64(0, 0);
}

Result<std::vector<StoredMessage>> read_customer_thread(Connection& db, std::int64_t ticket_id) {
  // An allow-list, not a deny-list: a kind added later is invisible to customers until it is
  // named here. Only columns a customer may see are selected.
  auto rows = db.exec(
      "SELECT id, ticket_id, at, direction, kind, channel, subject, text "
      "FROM messages WHERE ticket_id = $1 AND kind = 'message' AND direction IN ('in', 'out') "
      // A web ticket's own report joins its thread only when a repeat is merged, after our
      // acknowledgement but stamped with the ticket's creation: at one instant, theirs first.
      "ORDER BY at, direction = 'out', id",
      {int64(ticket_id)});
  if (!rows) return fail(rows);
  std::vector<StoredMessage> messages;
  for (int r = 0; r < rows->size(); ++r) {
    StoredMessage m;
    m.id = rows->int64(r, 0);
    m.ticket_id = rows->int64(r, 1);
    m.at = from_unix_ms(rows->int64(r, 2));
    m.direction = rows->text(r, 3);
    m.kind = rows->text(r, 4);
    m.channel = rows->text(r, 5);
    m.subject = rows->text(r, 6);
    m.text = rows->text(r, 7);
    messages.push_back(std::move(m));
  }
  return messages;
}

}  // namespace

Result<StaffReplyOutcome> PgTicketStore::add_reply(const StaffReply& reply) {
  return write_now([&](Connection& db) { return insert_staff_reply(db, reply); });
}

Result<StoredNote> PgTicketStore::add_note(const NewNote& note) {
  return write_now([&](Connection& db) { return insert_note(db, note); });
}

Result<std::vector<StoredNote>> PgTicketStore::notes(std::int64_t ticket_id) {
  return pool_->with_connection([&](Connection& db) { return read_notes(db, ticket_id); });
}

Result<std::int64_t> PgTicketStore::record_deflection(const Deflection& deflection) {
  return write_now([&](Connection& db) { return insert_deflection(db, deflection); });
}

Result<std::vector<StoredMessage>> PgTicketStore::customer_thread(std::int64_t ticket_id) {
  return pool_->with_connection([&](Connection& db) { return read_customer_thread(db, ticket_id); });
}

}  // namespace triaged::storage::pg
