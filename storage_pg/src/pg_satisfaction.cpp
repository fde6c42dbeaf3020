// PgTicketStore's satisfaction survey: the ask at the first resolve (called by the status
// change, pg_staff_actions.cpp), the rating, and the read the status page makes. The
// decisions are storage's own (satisfaction_logic.h), so both backends take the same ratings.
#include "pg_satisfaction.h"

#include <utility>

#include "pg_reply_queue.h"
#include "pg_ticket_rows.h"
#include "pg_ticket_store.h"
#include "satisfaction_logic.h"

namespace triaged::storage::pg {
namespace {

template <typename T>
std::unexpected<StoreError> fail(Result<T>& r) {
  return std::unexpected(std::move(r.error()));
}

// FOR UPDATE when rating: a second rating of the same ticket waits for the first to commit.
Result<std::optional<SatisfactionState>> select_satisfaction(Connection& db, std::int64_t ticket_id, bool lock) {
  const char* sql = lock ? "SELECT asked_at, closes_at, department, topic, agent, mailed, coalesce(rating, ''), "
                           "comment, rated_at FROM satisfaction WHERE ticket_id = $1 FOR UPDATE"
                         : "SELECT asked_at, closes_at, department, topic, agent, mailed, coalesce(rating, ''), "
                           "comment, rated_at FROM satisfaction WHERE ticket_id = $1";
  auto rows = db.exec(sql, {int64(ticket_id)});
  if (!rows) return fail(rows);
  if (rows->size() == 0) return std::optional<SatisfactionState>{};
  SatisfactionState s;
  s.ticket_id = ticket_id;
  s.asked_at = from_unix_ms(rows->int64(0, 0));
  s.closes_at = from_unix_ms(rows->int64(0, 1));
  s.department = rows->text(0, 2);
  s.topic = rows->text(0, 3);
  s.agent = rows->text(0, 4);
  s.mailed = rows->boolean(0, 5);
  s.rating = rows->text(0, 6);
  s.comment = rows->text(0, 7);
  if (auto at = rows->optional_int64(0, 8)) s.rated_at = from_unix_ms(*at);
  return std::optional<SatisfactionState>{std::move(s)};
}

Result<RatingOutcome> rate_ticket(Connection& db, const Rating& rating) {
  auto state = select_satisfaction(db, rating.ticket_id, /*lock=*/true);
  if (!state) return fail(state);
  auto refusal = rating_refusal(*state, rating);
  if (!refusal) return fail(refusal);
  if (*refusal) return RatingOutcome{**refusal, std::move(*state)};
  auto updated = db.exec("UPDATE satisfaction SET rating = $2, comment = $3, rated_at = $4 WHERE ticket_id = $1",
                         {int64(rating.ticket_id), text(rating.rating), text(rating.comment), int64(to_unix_ms(rating.at))});
  if (!updated) return fail(updated);
  auto data = serialize({{"rating", rating.rating}, {"comment", rating.comment}, {"previous", (*state)->rating}});
  if (!data) return fail(data);
  if (auto event = insert_event(db, rating.ticket_id, rating.at, "satisfaction_rated", *data); !event) return fail(event);
  if (auto touched = touch_ticket(db, rating.ticket_id, rating.at); !touched) return fail(touched);
  return RatingOutcome{RatingOutcome::Kind::recorded, rated(std::move(**state), rating)};
}

}  // namespace

Result<void> ask_survey_once(Connection& db, const StoredTicket& ticket, const StatusChange& change) {
  if (!change_asks_survey(change)) return {};
  auto asked = select_satisfaction(db, ticket.id, /*lock=*/false);
  if (!asked) return fail(asked);
  if (*asked) return {};  // asked at an earlier resolve: never twice
  std::int64_t outbox_id = 0;
  if (change.survey->mail) {
    auto queued = queue_capped_reply(db, ticket, change.at, *change.survey->mail);
    if (!queued) return fail(queued);
    outbox_id = *queued;
  }
  auto inserted = db.exec(
      "INSERT INTO satisfaction (ticket_id, asked_at, closes_at, department, topic, agent, mailed) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7)",
      {int64(ticket.id), int64(to_unix_ms(change.at)), int64(to_unix_ms(change.survey->closes_at)),
       text(ticket.department), text(ticket.topic), text(survey_agent(ticket, change)), boolean(outbox_id > 0)});
  if (!inserted) return fail(inserted);
  auto data = serialize({{"closes_at", to_unix_ms(change.survey->closes_at)},
                         {"mailed", outbox_id > 0},
                         {"outbox_id", outbox_id}});
  if (!data) return fail(data);
  return insert_event(db, ticket.id, change.at, "satisfaction_asked", *data);
}

Result<std::optional<SatisfactionState>> PgTicketStore::satisfaction(std::int64_t ticket_id) {
  return pool_->with_connection([&](Connection& db) { return select_satisfaction(db, ticket_id, false); });
}

Result<RatingOutcome> PgTicketStore::rate(const Rating& rating) {
  return write_now([&](Connection& db) { return rate_ticket(db, rating); });
}

}  // namespace triaged::storage::pg
