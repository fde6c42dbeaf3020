#include "satisfaction_logic.h"

namespace triaged::storage {

bool change_asks_survey(const StatusChange& change) { return change.status == "resolved" && change.survey.has_value(); }

std::string survey_agent(const StoredTicket& ticket, const StatusChange& change) {
  return ticket.assignee.empty() ? change.actor : ticket.assignee;
}

Result<std::optional<RatingOutcome::Kind>> rating_refusal(const std::optional<SatisfactionState>& state,
                                                          const Rating& rating) {
  if (rating.rating != "good" && rating.rating != "bad")
    return std::unexpected(StoreError{StoreError::Code::bad_request, "a rating is \"good\" or \"bad\""});
  if (!state) return RatingOutcome::Kind::not_asked;
  if (rating.at >= state->closes_at) return RatingOutcome::Kind::closed;
  if (state->rating == rating.rating && state->comment == rating.comment) return RatingOutcome::Kind::unchanged;
  return std::nullopt;
}

SatisfactionState rated(SatisfactionState state, const Rating& rating) {
  state.rating = rating.rating;
  state.comment = rating.comment;
  state.rated_at = rating.at;
  return state;
}

}  // namespace triaged::storage
