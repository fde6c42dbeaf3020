#include "staff_thread_rows.h"

#include <exception>
#include <string_view>
#include <utility>

#include <boost/json.hpp>

#include "mail_rows.h"
#include "ticket_row.h"

namespace triaged::storage {
namespace {

StoreError bad_request(std::string message) {
  return StoreError{StoreError::Code::bad_request, std::move(message)};
}

// Boost.JSON may throw on allocation failure; no exception leaves storage.
Result<std::string> serialize(const boost::json::object& data) {
  try {
    return boost::json::serialize(data);
  } catch (const std::exception& e) {
    return std::unexpected(StoreError{StoreError::Code::io, e.what()});
  }
}

std::string with_ref(std::string text, std::string_view ref) {
  static constexpr std::string_view kPlaceholder = "{ref}";
  for (auto at = text.find(kPlaceholder); at != std::string::npos; at = text.find(kPlaceholder, at + ref.size()))
    text.replace(at, kPlaceholder.size(), ref);
  return text;
}

Result<StoredTicket> existing_ticket(Database& db, std::int64_t id) {
  auto current = select_ticket(db, id);
  if (!current) return std::unexpected(std::move(current.error()));
  if (!*current) return std::unexpected(bad_request("no ticket " + std::to_string(id)));
  return std::move(**current);
}

}  // namespace

Result<StaffReplyOutcome> insert_staff_reply(Database& db, const StaffReply& reply) {
  auto ticket = existing_ticket(db, reply.ticket_id);
  if (!ticket) return std::unexpected(std::move(ticket.error()));
  OutboxMail mail = reply.mail;
  mail.subject = with_ref(std::move(mail.subject), ticket->ref);
  mail.text = with_ref(std::move(mail.text), ticket->ref);
  mail.daily_cap = 0;
  StaffReplyOutcome outcome;
  auto outbox_id = insert_outbox(db, ticket->id, reply.at, mail);
  if (!outbox_id) return std::unexpected(std::move(outbox_id.error()));
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
  if (!message_row) return std::unexpected(std::move(message_row.error()));
  outcome.message_row_id = *message_row;

  auto data = serialize({{"message_row_id", *message_row},
                         {"outbox_id", *outbox_id},
                         {"to", mail.to_address},
                         {"actor", reply.author}});
  if (!data) return std::unexpected(std::move(data.error()));
  if (auto added = insert_event(db, ticket->id, reply.at, "staff_reply", *data); !added)
    return std::unexpected(std::move(added.error()));
  if (auto touched = touch_ticket(db, ticket->id, reply.at); !touched)
    return std::unexpected(std::move(touched.error()));
  auto current = existing_ticket(db, ticket->id);
  if (!current) return std::unexpected(std::move(current.error()));
  outcome.ticket = std::move(*current);
  return outcome;
}

Result<StoredNote> insert_note(Database& db, const NewNote& note) {
  auto ticket = existing_ticket(db, note.ticket_id);
  if (!ticket) return std::unexpected(std::move(ticket.error()));
  auto insert = db.prepare("INSERT INTO internal_notes (ticket_id, at, author, text) VALUES (?1, ?2, ?3, ?4)");
  if (!insert) return std::unexpected(std::move(insert.error()));
  insert->bind(1, note.ticket_id).bind(2, to_unix_ms(note.at)).bind(3, note.author).bind(4, note.text);
  if (auto done = insert->run(); !done) return std::unexpected(std::move(done.error()));
  StoredNote stored{sqlite3_last_insert_rowid(db.handle()), note.ticket_id, note.at, note.author, note.text};
  // The event says that a note was added and by whom; its text stays in internal_notes.
  auto data = serialize({{"note_id", stored.id}, {"actor", note.author}});
  if (!data) return std::unexpected(std::move(data.error()));
  if (auto added = insert_event(db, note.ticket_id, note.at, "note_added", *data); !added)
    return std::unexpected(std::move(added.error()));
  if (auto touched = touch_ticket(db, note.ticket_id, note.at); !touched)
    return std::unexpected(std::move(touched.error()));
  return stored;
}

Result<std::vector<StoredNote>> read_notes(Database& db, std::int64_t ticket_id) {
  auto select = db.prepare(
      "SELECT id, ticket_id, at, author, text FROM internal_notes WHERE ticket_id = ?1 ORDER BY id");
  if (!select) return std::unexpected(std::move(select.error()));
  select->bind(1, ticket_id);
  std::vector<StoredNote> notes;
  for (;;) {
    auto row = select->step();
    if (!row) return std::unexpected(std::move(row.error()));
    if (!*row) return notes;
    notes.push_back({select->column_int64(0), select->column_int64(1), from_unix_ms(select->column_int64(2)),
                     select->column_text(3), select->column_text(4)});
  }
}

Result<std::int64_t> insert_deflection(Database& db, const Deflection& d) {
  if (d.topic.empty() || d.answer_id.empty()) return std::unexpected(bad_request("a deflection needs a topic and an answer"));
  auto insert = db.prepare("INSERT INTO deflections (at, topic, answer_id, channel) VALUES (?1, ?2, ?3, ?4)");
  if (!insert) return std::unexpected(std::move(insert.error()));
  insert->bind(1, to_unix_ms(d.at)).bind(2, d.topic).bind(3, d.answer_id).bind(4, d.channel);
  if (auto done = insert->run(); !done) return std::unexpected(std::move(done.error()));
  return sqlite3_last_insert_rowid(db.handle());
}

}  // namespace triaged::storage
