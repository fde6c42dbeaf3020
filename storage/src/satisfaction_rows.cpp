#include "satisfaction_rows.h"

#include <exception>
#include <utility>

#include <boost/json.hpp>

#include "mail_rows.h"
#include "reply_queue.h"
#include "satisfaction_logic.h"
#include "ticket_row.h"

namespace triaged::storage {
namespace {

// Boost.JSON may throw on allocation failure; no exception leaves storage.
Result<std::string> serialize(const boost::json::object& data) {
  try {
    return boost::json::serialize(data);
  } catch (const std::exception& e) {
    return std::unexpected(StoreError{StoreError::Code::io, e.what()});
  }
}

}  // namespace

Result<std::optional<SatisfactionState>> select_satisfaction(Database& db, std::int64_t ticket_id) {
  auto select = db.prepare(
      "SELECT asked_at, closes_at, department, topic, agent, mailed, coalesce(rating, ''), comment, rated_at "
      "FROM satisfaction WHERE ticket_id = ?1");
  if (!select) return std::unexpected(std::move(select.error()));
  select->bind(1, ticket_id);
  auto row = select->step();
  if (!row) return std::unexpected(std::move(row.error()));
  if (!*row) return std::optional<SatisfactionState>{};
  SatisfactionState s;
  s.ticket_id = ticket_id;
  s.asked_at = from_unix_ms(select->column_int64(0));
  s.closes_at = from_unix_ms(select->column_int64(1));
  s.department = select->column_text(2);
  s.topic = select->column_text(3);
  s.agent = select->column_text(4);
  s.mailed = select->column_int64(5) != 0;
  s.rating = select->column_text(6);
  s.comment = select->column_text(7);
  if (auto at = select->column_optional_int64(8)) s.rated_at = from_unix_ms(*at);
  return std::optional<SatisfactionState>{std::move(s)};
}

Result<void> ask_survey_once(Database& db, const StoredTicket& ticket, const StatusChange& change) {
  if (!change_asks_survey(change)) return {};
  auto asked = select_satisfaction(db, ticket.id);
  if (!asked) return std::unexpected(std::move(asked.error()));
  if (*asked) return {};  // asked at an earlier resolve: never twice
  std::int64_t outbox_id = 0;
  if (change.survey->mail) {
    auto queued = queue_capped_reply(db, ticket, change.at, *change.survey->mail);
    if (!queued) return std::unexpected(std::move(queued.error()));
    outbox_id = *queued;
  }
  auto insert = db.prepare(
      "INSERT INTO satisfaction (ticket_id, asked_at, closes_at, department, topic, agent, mailed) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  if (!insert) return std::unexpected(std::move(insert.error()));
  insert->bind(1, ticket.id).bind(2, to_unix_ms(change.at)).bind(3, to_unix_ms(change.survey->closes_at));
  insert->bind(4, ticket.department).bind(5, ticket.topic).bind(6, survey_agent(ticket, change));
  insert->bind(7, std::int64_t{outbox_id > 0 ? 1 : 0});
  if (auto done = insert->run(); !done) return done;
  auto data = serialize({{"closes_at", to_unix_ms(change.survey->closes_at)},
                         {"mailed", outbox_id > 0},
                         {"outbox_id", outbox_id}});
  if (!data) return std::unexpected(std::move(data.error()));
  return insert_event(db, ticket.id, change.at, "satisfaction_asked", *data);
}

Result<RatingOutcome> rate_ticket(Database& db, const Rating& rating) {
  auto state = select_satisfaction(db, rating.ticket_id);
  if (!state) return std::unexpected(std::move(state.error()));
  auto refusal = rating_refusal(*state, rating);
  if (!refusal) return std::unexpected(std::move(refusal.error()));
  if (*refusal) return RatingOutcome{**refusal, std::move(*state)};
  auto update = db.prepare("UPDATE satisfaction SET rating = ?2, comment = ?3, rated_at = ?4 WHERE ticket_id = ?1");
  if (!update) return std::unexpected(std::move(update.error()));
  update->bind(1, rating.ticket_id).bind(2, rating.rating).bind(3, rating.comment).bind(4, to_unix_ms(rating.at));
  if (auto done = update->run(); !done) return std::unexpected(std::move(done.error()));
  auto data = serialize({{"rating", rating.rating}, {"comment", rating.comment}, {"previous", (*state)->rating}});
  if (!data) return std::unexpected(std::move(data.error()));
  if (auto event = insert_event(db, rating.ticket_id, rating.at, "satisfaction_rated", *data); !event)
    return std::unexpected(std::move(event.error()));
  if (auto touched = touch_ticket(db, rating.ticket_id, rating.at); !touched)
    return std::unexpected(std::move(touched.error()));
  return RatingOutcome{RatingOutcome::Kind::recorded, rated(std::move(**state), rating)};
}

}  // namespace triaged::storage
