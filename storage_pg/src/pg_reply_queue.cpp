#include "pg_reply_queue.h"

#include <chrono>
#include <exception>
#include <utility>

#include <boost/json.hpp>

#include "pg_mail_rows.h"
#include "pg_ticket_rows.h"

namespace triaged::storage::pg {
namespace {

template <typename T>
std::unexpected<StoreError> fail(Result<T>& r) {
  return std::unexpected(std::move(r.error()));
}

// The reply goes into the outbox and onto the thread as an "out" message, so a later
// In-Reply-To naming its Message-ID finds the ticket.
Result<std::int64_t> queue_reply(Connection& db, const StoredTicket& ticket, Clock::time_point at,
                                 const OutboxMail& reply) {
  OutboxMail mail = reply;
  mail.subject = with_ref(std::move(mail.subject), ticket.ref);
  mail.text = with_ref(std::move(mail.text), ticket.ref);
  auto outbox_id = insert_outbox(db, ticket.id, at, mail);
  if (!outbox_id) return outbox_id;
  NewMessage out;
  out.direction = "out";
  out.to_address = mail.to_address;
  out.subject = mail.subject;
  out.text = std::move(mail.text);
  auto recorded = insert_message(db, ticket.id, at, out, "", mail.message_id);
  if (!recorded) return fail(recorded);
  auto data = serialize({{"outbox_id", *outbox_id}, {"purpose", mail.purpose}, {"to", mail.to_address}});
  if (!data) return fail(data);
  if (auto added = insert_event(db, ticket.id, at, "auto_reply_queued", *data); !added) return fail(added);
  return outbox_id;
}

// Whether the reply's daily cap still allows it, counted in this transaction. Staff replies
// are people answering, not automatic mail: they neither count nor are counted.
Result<bool> under_daily_cap(Connection& db, const OutboxMail& reply, Clock::time_point at) {
  if (reply.daily_cap <= 0) return true;
  // Held to commit: another node's reply to this address waits, then counts this one.
  auto locked = db.exec("SELECT pg_advisory_xact_lock(hashtext(lower($1)))", {text(reply.to_address)});
  if (!locked) return fail(locked);
  auto count = db.exec(
      "SELECT count(*) FROM outbox WHERE lower(to_address) = lower($1) AND created_at >= $2 "
      "AND purpose <> 'staff_reply'",
      {text(reply.to_address), int64(to_unix_ms(at - std::chrono::hours(24)))});
  if (!count) return fail(count);
  return count->int64(0, 0) < reply.daily_cap;
}

}  // namespace

std::string with_ref(std::string text, std::string_view ref) {
  static constexpr std::string_view kPlaceholder = "{ref}";
  for (auto at = text.find(kPlaceholder); at != std::string::npos; at = text.find(kPlaceholder, at + ref.size()))
    text.replace(at, kPlaceholder.size(), ref);
  return text;
}

Result<std::int64_t> queue_capped_reply(Connection& db, const StoredTicket& ticket, Clock::time_point at,
                                        const OutboxMail& reply) {
  auto allowed = under_daily_cap(db, reply, at);
  if (!allowed) return fail(allowed);
  if (!*allowed) {
    auto data = serialize({{"to", reply.to_address},
                           {"purpose", reply.purpose},
                           {"reason", "daily automatic reply limit reached"}});
    if (!data) return fail(data);
    if (auto added = insert_event(db, ticket.id, at, "auto_reply_suppressed", *data); !added) return fail(added);
    return std::int64_t{0};
  }
  return queue_reply(db, ticket, at, reply);
}

}  // namespace triaged::storage::pg
