#include "ticket_admission.h"

#include <utility>
#include <vector>

#include <boost/json.hpp>

#include "mail_rows.h"

namespace triaged::storage {
namespace {

namespace json = boost::json;

StoreError bad_request(std::string message) { return StoreError{StoreError::Code::bad_request, std::move(message)}; }

template <typename T>
std::unexpected<StoreError> fail(Result<T>& r) {
  return std::unexpected(std::move(r.error()));
}

// The profile the ticket's keys name, made or extended. The email decides when the two keys
// name different profiles (the email is typed by the requester, a phone often by an
// operator); the phone then stays with its own profile rather than merging two people on
// what may be a typo.
Result<std::optional<std::int64_t>> attach_requester(Database& db, const NewTicket& t) {
  const RequesterKeys& keys = t.requester_keys;
  if (keys.empty()) return std::optional<std::int64_t>();
  auto by_email = key_owner(db, "email", keys.email);
  if (!by_email) return fail(by_email);
  auto by_phone = key_owner(db, "phone", keys.phone);
  if (!by_phone) return fail(by_phone);
  const std::int64_t at = to_unix_ms(t.received_at);
  const std::string& name = t.ticket.requester.name;
  std::optional<std::int64_t> id = *by_email ? *by_email : *by_phone;
  if (!id) {
    auto insert = db.prepare("INSERT INTO requesters (name, created_at, updated_at) VALUES (?1, ?2, ?2) RETURNING id");
    if (!insert) return fail(insert);
    insert->bind(1, name).bind(2, at);
    auto row = insert->step();
    if (!row) return fail(row);
    id = insert->column_int64(0);
  } else {
    auto update = db.prepare(
        "UPDATE requesters SET name = CASE WHEN ?2 <> '' THEN ?2 ELSE name END, "
        "updated_at = max(updated_at, ?3) WHERE id = ?1");
    if (!update) return fail(update);
    update->bind(1, *id).bind(2, name).bind(3, at);
    if (auto done = update->run(); !done) return fail(done);
  }
  for (const auto& [kind, value, owner] : {std::tuple{"email", &keys.email, *by_email},
                                           std::tuple{"phone", &keys.phone, *by_phone}}) {
    if (value->empty() || owner) continue;
    auto insert = db.prepare(
        "INSERT INTO requester_keys (kind, value, requester_id, first_seen_at) VALUES (?1, ?2, ?3, ?4)");
    if (!insert) return fail(insert);
    insert->bind(1, kind).bind(2, *value).bind(3, *id).bind(4, at);
    if (auto done = insert->run(); !done) return fail(done);
  }
  return id;
}

Result<void> remember_values(Database& db, std::int64_t requester_id, std::int64_t ticket_id,
                             const std::map<std::string, std::string>& values, Clock::time_point at) {
  for (const auto& [field, value] : values) {
    if (value.empty()) continue;
    // A value stamped earlier than the one kept (a mail delivered late) does not replace it.
    auto upsert = db.prepare(
        "INSERT INTO requester_values (requester_id, field, value, ticket_id, at) VALUES (?1, ?2, ?3, ?4, ?5) "
        "ON CONFLICT (requester_id, field) DO UPDATE SET value = excluded.value, ticket_id = excluded.ticket_id, "
        "at = excluded.at WHERE excluded.at >= requester_values.at");
    if (!upsert) return fail(upsert);
    upsert->bind(1, requester_id).bind(2, field).bind(3, value).bind(4, ticket_id).bind(5, to_unix_ms(at));
    if (auto done = upsert->run(); !done) return done;
  }
  return {};
}

struct Duplicate {
  StoredTicket ticket;
  std::string matched_by;  // the match field with equal values, or "topic"
};

// The oldest open ticket of the requester within the window that shares a match field's
// value; else the oldest with the same topic and no match field that differs. Indexed
// lookups, so a requester with thousands of open tickets (a robot, a reseller) costs the
// writer no more than one with two.
Result<std::optional<Duplicate>> find_duplicate(Database& db, const NewTicket& t, std::int64_t requester_id) {
  const DuplicatePolicy& policy = *t.duplicates;
  const std::int64_t since = to_unix_ms(t.received_at - policy.window);
  std::optional<std::pair<std::int64_t, std::string>> chosen;
  for (const auto& [field, value] : policy.match_values) {
    auto same = db.prepare(
        "SELECT t.id FROM ticket_match_keys k JOIN tickets t ON t.id = k.ticket_id "
        "WHERE k.field = ?1 AND k.value = ?2 AND t.requester_id = ?3 AND t.created_at >= ?4 "
        "AND t.status NOT IN ('resolved', 'closed') ORDER BY t.id LIMIT 1");
    if (!same) return fail(same);
    same->bind(1, field).bind(2, value).bind(3, requester_id).bind(4, since);
    auto row = same->step();
    if (!row) return fail(row);
    if (*row && (!chosen || same->column_int64(0) < chosen->first)) chosen = {same->column_int64(0), field};
  }
  if (!chosen && policy.by_topic) {
    // Same topic, oldest first; one whose match field holds another value is another problem.
    // Fifty is far past any real requester's open tickets on one topic.
    auto candidates = db.prepare(
        "SELECT id FROM tickets WHERE requester_id = ?1 AND topic = ?2 AND created_at >= ?3 "
        "AND status NOT IN ('resolved', 'closed') ORDER BY id LIMIT 50");
    if (!candidates) return fail(candidates);
    candidates->bind(1, requester_id).bind(2, t.topic).bind(3, since);
    std::vector<std::int64_t> ids;
    for (;;) {
      auto row = candidates->step();
      if (!row) return fail(row);
      if (!*row) break;
      ids.push_back(candidates->column_int64(0));
    }
    for (std::int64_t id : ids) {
      bool differs = false;
      for (const auto& [field, value] : policy.match_values) {
        auto other = db.prepare("SELECT value FROM ticket_match_keys WHERE ticket_id = ?1 AND field = ?2");
        if (!other) return fail(other);
        other->bind(1, id).bind(2, field);
        auto row = other->step();
        if (!row) return fail(row);
        differs = differs || (*row && other->column_text(0) != value);
      }
      if (differs) continue;
      chosen = {id, "topic"};
      break;
    }
  }
  if (!chosen) return std::optional<Duplicate>();
  auto ticket = select_ticket(db, chosen->first);
  if (!ticket) return fail(ticket);
  if (!*ticket) return std::unexpected(bad_request("no ticket " + std::to_string(chosen->first)));
  return std::optional<Duplicate>(Duplicate{std::move(**ticket), chosen->second});
}

// A replayed request whose first try was merged: the ticket it went into.
Result<std::optional<CreateOutcome>> merged_replay(Database& db, const NewTicket& t) {
  if (t.idempotency_key.empty()) return std::optional<CreateOutcome>();
  auto find = db.prepare("SELECT ticket_id, id, request_hash FROM messages WHERE idempotency_key = ?1");
  if (!find) return fail(find);
  find->bind(1, t.idempotency_key);
  auto row = find->step();
  if (!row) return fail(row);
  if (!*row) return std::optional<CreateOutcome>();
  if (find->column_text(2) != t.request_hash)
    return std::unexpected(StoreError{StoreError::Code::conflict, "idempotency key '" + t.idempotency_key +
                                                                      "' was used for a different request"});
  const std::int64_t message_id = find->column_int64(1);
  auto ticket = select_ticket(db, find->column_int64(0));
  if (!ticket) return fail(ticket);
  if (!*ticket) return std::unexpected(bad_request("merged message without its ticket"));
  CreateOutcome out{std::move(**ticket), false};
  out.merged = true;
  out.replayed = true;
  out.message_id = message_id;
  return std::optional<CreateOutcome>(std::move(out));
}

// A ticket's own text as an inbound message of the thread `into_id`.
Result<std::int64_t> insert_text_message(Database& db, const routing::Ticket& t, std::int64_t into_id,
                                         Clock::time_point at) {
  NewMessage m;
  m.channel = t.channel;
  m.from_address = t.requester.email;
  m.from_name = t.requester.name;
  m.subject = t.subject;
  m.text = t.body;
  return insert_message(db, into_id, at, m, "", "");
}

// A ticket typed into the form has its text on the row, not in messages; before a repeat
// joins it, its own first report goes into the thread, so the thread reads in order.
Result<void> thread_first_report(Database& db, const StoredTicket& into) {
  auto count = db.prepare("SELECT count(*) FROM messages WHERE ticket_id = ?1 AND direction = 'in'");
  if (!count) return fail(count);
  count->bind(1, into.id);
  auto row = count->step();
  if (!row) return fail(row);
  if (count->column_int64(0) > 0) return {};
  auto inserted = insert_text_message(db, into.ticket, into.id, into.created_at);
  if (!inserted) return fail(inserted);
  return {};
}

Result<CreateOutcome> merge(Database& db, const NewTicket& t, const Duplicate& into, std::int64_t requester_id,
                            const MergedMessageWriter& write_merged) {
  if (auto threaded = thread_first_report(db, into.ticket); !threaded) return fail(threaded);
  auto message_id = write_merged ? write_merged(db, into.ticket.id)
                                 : insert_text_message(db, t.ticket, into.ticket.id, t.received_at);
  if (!message_id) return fail(message_id);
  if (!t.idempotency_key.empty()) {
    auto keep = db.prepare("UPDATE messages SET idempotency_key = ?2, request_hash = ?3 WHERE id = ?1");
    if (!keep) return fail(keep);
    keep->bind(1, *message_id).bind(2, t.idempotency_key).bind(3, t.request_hash);
    if (auto done = keep->run(); !done) return fail(done);
  }
  json::object fields;
  for (const auto& [k, v] : t.ticket.fields) fields[k] = v;
  const json::object data{{"message_row_id", *message_id}, {"channel", t.ticket.channel},
                          {"topic", t.topic},               {"department", t.department},
                          {"matched_by", into.matched_by},  {"subject", t.ticket.subject},
                          {"fields", std::move(fields)}};
  if (auto added = insert_event(db, into.ticket.id, t.received_at, "merged", json::serialize(data)); !added)
    return fail(added);
  if (auto touched = touch_ticket(db, into.ticket.id, t.received_at); !touched) return fail(touched);
  if (auto kept = remember_values(db, requester_id, into.ticket.id, t.remember, t.received_at); !kept)
    return fail(kept);
  auto current = select_ticket(db, into.ticket.id);
  if (!current) return fail(current);
  CreateOutcome out{std::move(**current), false};
  out.merged = true;
  out.message_id = *message_id;
  out.matched_by = into.matched_by;
  return out;
}

Result<void> record_match_keys(Database& db, std::int64_t ticket_id, const DuplicatePolicy& policy) {
  for (const auto& [field, value] : policy.match_values) {
    auto insert = db.prepare("INSERT INTO ticket_match_keys (ticket_id, field, value) VALUES (?1, ?2, ?3)");
    if (!insert) return fail(insert);
    insert->bind(1, ticket_id).bind(2, field).bind(3, value);
    if (auto done = insert->run(); !done) return done;
  }
  return {};
}

std::string link_reason(const Duplicate& d) {
  if (d.matched_by == "topic") return "same requester and topic";
  return "same requester and " + d.matched_by;
}

}  // namespace

Result<std::optional<std::int64_t>> key_owner(Database& db, std::string_view kind, const std::string& value) {
  if (value.empty()) return std::optional<std::int64_t>();
  auto find = db.prepare("SELECT requester_id FROM requester_keys WHERE kind = ?1 AND value = ?2");
  if (!find) return fail(find);
  find->bind(1, kind).bind(2, value);
  auto row = find->step();
  if (!row) return fail(row);
  if (!*row) return std::optional<std::int64_t>();
  return std::optional<std::int64_t>(find->column_int64(0));
}

Result<CreateOutcome> admit_ticket(Database& db, const NewTicket& t, const MergedMessageWriter& write_merged) {
  auto replay = merged_replay(db, t);
  if (!replay) return fail(replay);
  if (*replay) return std::move(**replay);
  auto requester_id = attach_requester(db, t);
  if (!requester_id) return fail(requester_id);
  std::optional<Duplicate> duplicate;
  if (*requester_id && t.duplicates) {
    auto found = find_duplicate(db, t, **requester_id);
    if (!found) return fail(found);
    duplicate = std::move(*found);
  }
  // A merge never hands work to a department the new ticket was not routed to: across
  // departments the new ticket stands on its own and is linked.
  if (duplicate && t.duplicates->action == DuplicatePolicy::Action::merge &&
      duplicate->ticket.department == t.department)
    return merge(db, t, *duplicate, **requester_id, write_merged);

  auto created = insert_new_ticket(db, t, *requester_id);
  if (!created) return created;
  const StoredTicket& ticket = created->ticket;
  if (t.duplicates)
    if (auto recorded = record_match_keys(db, ticket.id, *t.duplicates); !recorded) return fail(recorded);
  if (*requester_id)
    if (auto kept = remember_values(db, **requester_id, ticket.id, t.remember, t.received_at); !kept)
      return fail(kept);
  if (duplicate) {
    auto linked = insert_link(db, ticket, duplicate->ticket, "duplicate_of", link_reason(*duplicate), "triaged",
                              t.received_at);
    if (!linked) return fail(linked);
    created->duplicate_of = duplicate->ticket.id;
    created->matched_by = duplicate->matched_by;
  }
  return created;
}

Result<bool> insert_link(Database& db, const StoredTicket& ticket, const StoredTicket& other, const std::string& kind,
                         const std::string& reason, const std::string& actor, Clock::time_point at) {
  if (ticket.id == other.id) return std::unexpected(bad_request("a ticket cannot be linked to itself"));
  if (kind != "duplicate_of" && kind != "related")
    return std::unexpected(bad_request("unknown link kind \"" + kind + "\""));
  auto exists = db.prepare(
      "SELECT 1 FROM ticket_links WHERE (ticket_id = ?1 AND other_id = ?2) OR (ticket_id = ?2 AND other_id = ?1)");
  if (!exists) return fail(exists);
  exists->bind(1, ticket.id).bind(2, other.id);
  auto row = exists->step();
  if (!row) return fail(row);
  if (*row) return false;
  auto insert = db.prepare("INSERT INTO ticket_links (ticket_id, other_id, kind, created_at) VALUES (?1, ?2, ?3, ?4)");
  if (!insert) return fail(insert);
  insert->bind(1, ticket.id).bind(2, other.id).bind(3, kind).bind(4, to_unix_ms(at));
  if (auto done = insert->run(); !done) return fail(done);
  const std::string there_kind = kind == "duplicate_of" ? "duplicated_by" : kind;
  for (const auto& [on, to, k] : {std::tuple{&ticket, &other, kind}, std::tuple{&other, &ticket, there_kind}}) {
    const json::object data{{"ticket_id", to->id}, {"ref", to->ref}, {"kind", k}, {"reason", reason}, {"actor", actor}};
    if (auto added = insert_event(db, on->id, at, "linked", json::serialize(data)); !added) return fail(added);
  }
  return true;
}

Result<bool> delete_link(Database& db, const StoredTicket& ticket, const StoredTicket& other,
                         const std::string& reason, const std::string& actor, Clock::time_point at) {
  auto remove = db.prepare(
      "DELETE FROM ticket_links WHERE (ticket_id = ?1 AND other_id = ?2) OR (ticket_id = ?2 AND other_id = ?1) "
      "RETURNING kind");
  if (!remove) return fail(remove);
  remove->bind(1, ticket.id).bind(2, other.id);
  auto row = remove->step();
  if (!row) return fail(row);
  if (!*row) return false;
  while (true) {  // drain RETURNING so the statement completes
    auto more = remove->step();
    if (!more) return fail(more);
    if (!*more) break;
  }
  for (const auto& [on, to] : {std::pair{&ticket, &other}, std::pair{&other, &ticket}}) {
    const json::object data{{"ticket_id", to->id}, {"ref", to->ref}, {"reason", reason}, {"actor", actor}};
    if (auto added = insert_event(db, on->id, at, "unlinked", json::serialize(data)); !added) return fail(added);
  }
  return true;
}

}  // namespace triaged::storage
