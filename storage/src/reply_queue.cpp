#include "reply_queue.h"

#include <string_view>

#include <boost/json.hpp>

#include "mail_rows.h"
#include "ticket_row.h"

namespace triaged::storage {
namespace {

std::string to_json(const boost::json::object& data) { return boost::json::serialize(data); }

std::string with_ref(std::string text, std::string_view ref) {
  static constexpr std::string_view kPlaceholder = "{ref}";
  for (auto at = text.find(kPlaceholder); at != std::string::npos;
       at = text.find(kPlaceholder, at + ref.size())) {
    text.replace(at, kPlaceholder.size(), ref);
  }
  return text;
}

// The reply goes into the outbox and onto the thread as an "out" message, so a later
// In-Reply-To naming its Message-ID finds the ticket.
Result<std::int64_t> queue_reply(Database& db, const StoredTicket& ticket, Clock::time_point at,
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
  if (!recorded) return std::unexpected(std::move(recorded.error()));
  const boost::json::object data{
      {"outbox_id", *outbox_id}, {"purpose", mail.purpose}, {"to", mail.to_address}};
  if (auto added = insert_event(db, ticket.id, at, "auto_reply_queued", to_json(data)); !added) {
    return std::unexpected(std::move(added.error()));
  }
  return outbox_id;
}

// Whether the reply's daily cap still allows it, counted in this transaction. Staff replies
// are people answering, not automatic mail: they neither count nor are counted.
Result<bool> under_daily_cap(Database& db, const OutboxMail& reply, Clock::time_point at) {
  if (reply.daily_cap <= 0) return true;
  auto count = db.prepare(
      "SELECT count(*) FROM outbox WHERE lower(to_address) = lower(?1) AND created_at >= ?2 "
      "AND purpose <> 'staff_reply'");
  if (!count) return std::unexpected(std::move(count.error()));
  count->bind(1, reply.to_address).bind(2, to_unix_ms(at - std::chrono::hours(24)));
  auto row = count->step();
  if (!row) return std::unexpected(std::move(row.error()));
  return count->column_int64(0) < reply.daily_cap;
}

}  // namespace

Result<std::int64_t> queue_capped_reply(Database& db, const StoredTicket& ticket, Clock::time_point at,
                                        const OutboxMail& reply) {
  auto allowed = under_daily_cap(db, reply, at);
  if (!allowed) return std::unexpected(std::move(allowed.error()));
  if (!*allowed) {
    const boost::json::object data{{"to", reply.to_address}, {"purpose", reply.purpose},
                                   {"reason", "daily automatic reply limit reached"}};
    if (auto added = insert_event(db, ticket.id, at, "auto_reply_suppressed", to_json(data)); !added)
      return std::unexpected(std::move(added.error()));
    return std::int64_t{0};
  }
  return queue_reply(db, ticket, at, reply);
}

}  // namespace triaged::storage
