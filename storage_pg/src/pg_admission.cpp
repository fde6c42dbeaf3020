#include "pg_admission.h"

#include <tuple>
#include <utility>
#include <vector>

#include <boost/json.hpp>

#include "pg_mail_rows.h"
#include "pg_reply_queue.h"
#include "pg_ticket_rows.h"

namespace triaged::storage::pg {
namespace {

namespace json = boost::json;

StoreError bad_request(std::string message) { return StoreError{StoreError::Code::bad_request, std::move(message)}; }

template <typename T>
std::unexpected<StoreError> fail(Result<T>& r) {
  return std::unexpected(std::move(r.error()));
}

Result<std::optional<std::int64_t>> key_owner(Connection& db, const char* kind, const std::string& value) {
  if (value.empty()) return std::optional<std::int64_t>();
  auto found = db.exec("SELECT requester_id FROM requester_keys WHERE kind = $1 AND value = $2",
                       {text(kind), text(value)});
  if (!found) return fail(found);
  if (found->size() == 0) return std::optional<std::int64_t>();
  return std::optional<std::int64_t>(found->int64(0, 0));
}

// The profile the ticket's keys name, made or extended; the email decides when the two keys
// name different profiles (see storage/src/ticket_admission.cpp).
Result<std::optional<std::int64_t>> attach_requester(Connection& db, const NewTicket& t) {
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
    auto inserted = db.exec("INSERT INTO requesters (name, created_at, updated_at) VALUES ($1, $2, $2) RETURNING id",
                            {text(name), int64(at)});
    if (!inserted) return fail(inserted);
    id = inserted->int64(0, 0);
  } else {
    // Also the lock that serialises this requester's creates across nodes until commit.
    auto updated = db.exec(
        "UPDATE requesters SET name = CASE WHEN $2 <> '' THEN $2 ELSE name END, "
        "updated_at = greatest(updated_at, $3) WHERE id = $1",
        {int64(*id), text(name), int64(at)});
    if (!updated) return fail(updated);
  }
  for (const auto& [kind, value, owner] : {std::tuple{"email", &keys.email, *by_email},
                                           std::tuple{"phone", &keys.phone, *by_phone}}) {
    if (value->empty() || owner) continue;
    auto inserted = db.exec(
        "INSERT INTO requester_keys (kind, value, requester_id, first_seen_at) VALUES ($1, $2, $3, $4)",
        {text(kind), text(*value), int64(*id), int64(at)});
    if (!inserted) return fail(inserted);
  }
  return id;
}

Result<void> remember_values(Connection& db, std::int64_t requester_id, std::int64_t ticket_id,
                             const std::map<std::string, std::string>& values, Clock::time_point at) {
  for (const auto& [field, value] : values) {
    if (value.empty()) continue;
    // A value stamped earlier than the one kept (a mail delivered late) does not replace it.
    auto upserted = db.exec(
        "INSERT INTO requester_values (requester_id, field, value, ticket_id, at) VALUES ($1, $2, $3, $4, $5) "
        "ON CONFLICT (requester_id, field) DO UPDATE SET value = excluded.value, ticket_id = excluded.ticket_id, "
        "at = excluded.at WHERE excluded.at >= requester_values.at",
        {int64(requester_id), text(field), text(value), int64(ticket_id), int64(to_unix_ms(at))});
    if (!upserted) return fail(upserted);
  }
  return {};
}

struct Duplicate {
  StoredTicket ticket;
  std::string matched_by;
};

Result<std::optional<Duplicate>> find_duplicate(Connection& db, const NewTicket& t, std::int64_t requester_id) {
  const DuplicatePolicy& policy = *t.duplicates;
  const std::int64_t since = to_unix_ms(t.received_at - policy.window);
  std::optional<std::pair<std::int64_t, std::string>> chosen;
  for (const auto& [field, value] : policy.match_values) {
    auto same = db.exec(
        "SELECT t.id FROM ticket_match_keys k JOIN tickets t ON t.id = k.ticket_id "
        "WHERE k.field = $1 AND k.value = $2 AND t.requester_id = $3 AND t.created_at >= $4 "
        "AND t.status NOT IN ('resolved', 'closed') ORDER BY t.id LIMIT 1",
        {text(field), text(value), int64(requester_id), int64(since)});
    if (!same) return fail(same);
    if (same->size() > 0 && (!chosen || same->int64(0, 0) < chosen->first)) chosen = {same->int64(0, 0), field};
  }
  if (!chosen && policy.by_topic) {
    auto candidates = db.exec(
        "SELECT id FROM tickets WHERE requester_id = $1 AND topic = $2 AND created_at >= $3 "
        "AND status NOT IN ('resolved', 'closed') ORDER BY id LIMIT 50",
        {int64(requester_id), text(t.topic), int64(since)});
    if (!candidates) return fail(candidates);
    for (int i = 0; i < candidates->size() && !chosen; ++i) {
      const std::int64_t id = candidates->int64(i, 0);
      bool differs = false;
      for (const auto& [field, value] : policy.match_values) {
        auto other = db.exec("SELECT value FROM ticket_match_keys WHERE ticket_id = $1 AND field = $2",
                             {int64(id), text(field)});
        if (!other) return fail(other);
        differs = differs || (other->size() > 0 && other->text(0, 0) != value);
      }
      if (!differs) chosen = {id, "topic"};
    }
  }
  if (!chosen) return std::optional<Duplicate>();
  auto ticket = select_ticket(db, chosen->first);
  if (!ticket) return fail(ticket);
  if (!*ticket) return std::unexpected(bad_request("no ticket " + std::to_string(chosen->first)));
  return std::optional<Duplicate>(Duplicate{std::move(**ticket), chosen->second});
}

StoreError key_reused(const std::string& key) {
  return StoreError{StoreError::Code::conflict, "idempotency key '" + key + "' was used for a different request"};
}

Result<std::optional<CreateOutcome>> merged_replay(Connection& db, const NewTicket& t) {
  if (t.idempotency_key.empty()) return std::optional<CreateOutcome>();
  auto found = db.exec("SELECT ticket_id, id, request_hash FROM messages WHERE idempotency_key = $1",
                       {text(t.idempotency_key)});
  if (!found) return fail(found);
  if (found->size() == 0) return std::optional<CreateOutcome>();
  if (found->text(0, 2) != t.request_hash) return std::unexpected(key_reused(t.idempotency_key));
  auto ticket = select_ticket(db, found->int64(0, 0));
  if (!ticket) return fail(ticket);
  if (!*ticket) return std::unexpected(bad_request("merged message without its ticket"));
  CreateOutcome out{std::move(**ticket), false};
  out.merged = true;
  out.replayed = true;
  out.message_id = found->int64(0, 1);
  return std::optional<CreateOutcome>(std::move(out));
}

Result<std::int64_t> insert_text_message(Connection& db, const routing::Ticket& t, std::int64_t into_id,
                                         Clock::time_point at) {
  NewMessage m;
  m.channel = t.channel;
  m.from_address = t.requester.email;
  m.from_name = t.requester.name;
  m.subject = t.subject;
  m.text = t.body;
  return insert_message(db, into_id, at, m, "", "");
}

Result<void> thread_first_report(Connection& db, const StoredTicket& into) {
  auto count = db.exec("SELECT count(*) FROM messages WHERE ticket_id = $1 AND direction = 'in'", {int64(into.id)});
  if (!count) return fail(count);
  if (count->int64(0, 0) > 0) return {};
  auto inserted = insert_text_message(db, into.ticket, into.id, into.created_at);
  if (!inserted) return fail(inserted);
  return {};
}

Result<CreateOutcome> merge(Connection& db, const NewTicket& t, const Duplicate& into, std::int64_t requester_id,
                            const MergedMessageWriter& write_merged) {
  if (auto threaded = thread_first_report(db, into.ticket); !threaded) return fail(threaded);
  auto message_id = write_merged ? write_merged(db, into.ticket.id)
                                 : insert_text_message(db, t.ticket, into.ticket.id, t.received_at);
  if (!message_id) return fail(message_id);
  if (!t.idempotency_key.empty()) {
    auto kept = db.exec("UPDATE messages SET idempotency_key = $2, request_hash = $3 WHERE id = $1",
                        {int64(*message_id), text(t.idempotency_key), text(t.request_hash)});
    if (!kept) return fail(kept);
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

Result<void> record_match_keys(Connection& db, std::int64_t ticket_id, const DuplicatePolicy& policy) {
  for (const auto& [field, value] : policy.match_values) {
    auto inserted = db.exec("INSERT INTO ticket_match_keys (ticket_id, field, value) VALUES ($1, $2, $3)",
                            {int64(ticket_id), text(field), text(value)});
    if (!inserted) return fail(inserted);
  }
  return {};
}

std::string link_reason(const Duplicate& d) {
  if (d.matched_by == "topic") return "same requester and topic";
  return "same requester and " + d.matched_by;
}

Result<CreateOutcome> admit_ticket(Connection& db, const NewTicket& t, const MergedMessageWriter& write_merged) {
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
  // A merge never hands work to a department the new ticket was not routed to.
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

}  // namespace

Result<CreateOutcome> create_one(Connection& db, const NewTicket& ticket, const MergedMessageWriter& write_merged) {
  if (!ticket.idempotency_key.empty()) {
    static const std::string kSelectByKey =
        "SELECT " + std::string(kTicketColumns) + ", request_hash FROM tickets WHERE idempotency_key = $1";
    auto existing = db.exec(kSelectByKey, {text(ticket.idempotency_key)});
    if (!existing) return fail(existing);
    if (existing->size() > 0) {
      if (existing->text(0, kTicketColumnCount) != ticket.request_hash)
        return std::unexpected(key_reused(ticket.idempotency_key));
      auto first = read_ticket(*existing, 0);
      if (!first) return fail(first);
      CreateOutcome replay{std::move(*first), false};
      replay.replayed = true;
      return replay;
    }
  }
  // The acknowledgement belongs to the ticket this call made: in its transaction (a create
  // that fails later takes it back with it), never for a merge or a replay.
  auto admitted = admit_ticket(db, ticket, write_merged);
  if (!admitted || !admitted->created || admitted->merged || !ticket.acknowledgement) return admitted;
  auto queued = queue_capped_reply(db, admitted->ticket, ticket.received_at, *ticket.acknowledgement);
  if (!queued) return fail(queued);
  return admitted;
}

Result<bool> insert_link(Connection& db, const StoredTicket& ticket, const StoredTicket& other,
                         const std::string& kind, const std::string& reason, const std::string& actor,
                         Clock::time_point at) {
  if (ticket.id == other.id) return std::unexpected(bad_request("a ticket cannot be linked to itself"));
  if (kind != "duplicate_of" && kind != "related")
    return std::unexpected(bad_request("unknown link kind \"" + kind + "\""));
  auto exists = db.exec(
      "SELECT 1 FROM ticket_links WHERE (ticket_id = $1 AND other_id = $2) OR (ticket_id = $2 AND other_id = $1)",
      {int64(ticket.id), int64(other.id)});
  if (!exists) return fail(exists);
  if (exists->size() > 0) return false;
  auto inserted = db.exec("INSERT INTO ticket_links (ticket_id, other_id, kind, created_at) VALUES ($1, $2, $3, $4)",
                          {int64(ticket.id), int64(other.id), text(kind), int64(to_unix_ms(at))});
  if (!inserted) return fail(inserted);
  const std::string there_kind = kind == "duplicate_of" ? "duplicated_by" : kind;
  for (const auto& [on, to, k] : {std::tuple{&ticket, &other, kind}, std::tuple{&other, &ticket, there_kind}}) {
    const json::object data{{"ticket_id", to->id}, {"ref", to->ref}, {"kind", k}, {"reason", reason}, {"actor", actor}};
    if (auto added = insert_event(db, on->id, at, "linked", json::serialize(data)); !added) return fail(added);
  }
  return true;
}

Result<bool> delete_link(Connection& db, const StoredTicket& ticket, const StoredTicket& other,
                         const std::string& reason, const std::string& actor, Clock::time_point at) {
  auto removed = db.exec(
      "DELETE FROM ticket_links WHERE (ticket_id = $1 AND other_id = $2) OR (ticket_id = $2 AND other_id = $1)",
      {int64(ticket.id), int64(other.id)});
  if (!removed) return fail(removed);
  if (removed->affected() == 0) return false;
  for (const auto& [on, to] : {std::pair{&ticket, &other}, std::pair{&other, &ticket}}) {
    const json::object data{{"ticket_id", to->id}, {"ref", to->ref}, {"reason", reason}, {"actor", actor}};
    if (auto added = insert_event(db, on->id, at, "unlinked", json::serialize(data)); !added) return fail(added);
  }
  return true;
}

}  // namespace triaged::storage::pg
