// The decisions about a survey that do not depend on the database (satisfaction.h), shared by
// the SQLite rows (satisfaction_rows.cpp) and the PostgreSQL ones (storage_pg), so both
// backends ask and take ratings by the same rules.
#pragma once

#include <optional>
#include <string>

#include "storage/satisfaction.h"
#include "storage/ticket_actions.h"
#include "storage/tickets.h"

namespace triaged::storage {

// Whether a status change asks its survey: a change to "resolved" that carries one. Whether
// the ticket was asked before is the caller's read.
bool change_asks_survey(const StatusChange& change);

// Who the survey's rating counts for: the ticket's assignee, else whoever resolved it.
std::string survey_agent(const StoredTicket& ticket, const StatusChange& change);

// Whether `rating` may be recorded over `state`: nullopt when it may; not_asked, closed or
// unchanged when it must not. Code::bad_request for a rating other than "good" or "bad".
Result<std::optional<RatingOutcome::Kind>> rating_refusal(const std::optional<SatisfactionState>& state,
                                                          const Rating& rating);

// `state` with `rating` applied, as rate() returns it.
SatisfactionState rated(SatisfactionState state, const Rating& rating);

}  // namespace triaged::storage
