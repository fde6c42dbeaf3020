// storage: the customer's rating of a resolved ticket (docs/customer.md, "Satisfaction"). A
// ticket is asked at most once, when it is first resolved: StatusChange::survey carries the
// ask, and the store records it (and queues its mail under the daily cap) in the status
// change's own transaction, only if the ticket was never asked before, so a reopen and a
// second resolve ask nothing. The customer's rating may then be given and changed until the
// window the ask fixed closes. Every ask and rating is also an event in the ticket's history;
// the satisfaction table keeps the current state so stats need no replay. Thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "storage/mail.h"
#include "storage/result.h"

namespace triaged::storage {

// The ask a resolve carries. The daemon decides whether the rule set asks at all (topic,
// channel); the store decides whether this ticket was asked already.
struct SurveyRequest {
  Clock::time_point closes_at;      // ratings are taken until then
  // The survey mail, or none when the requester has no address a person reads (the page
  // still offers the rating). Queued under its daily_cap like any automatic reply; "{ref}" is
  // filled in.
  std::optional<OutboxMail> mail;
};

// The customer's choice. rating is "good" or "bad"; comment may be empty.
struct Rating {
  std::int64_t ticket_id = 0;
  std::string rating;
  std::string comment;
  Clock::time_point at;
};

// One ticket's survey as it stands.
struct SatisfactionState {
  std::int64_t ticket_id = 0;
  Clock::time_point asked_at;
  Clock::time_point closes_at;
  std::string department;           // the ticket's when it was asked
  std::string topic;
  std::string agent;                // who held it when resolved, else who resolved it; may be ""
  bool mailed = false;              // a survey mail was queued
  std::string rating;               // "" until rated, then "good" | "bad"
  std::string comment;
  std::optional<Clock::time_point> rated_at;
};

// What rate() did: the state after it, and whether the rating was taken.
struct RatingOutcome {
  enum class Kind { recorded, unchanged, not_asked, closed };
  Kind kind = Kind::recorded;
  std::optional<SatisfactionState> state;  // none only for not_asked
};

class SatisfactionStore {
 public:
  virtual ~SatisfactionStore() = default;

  // The ticket's survey, or nullopt when it was never asked.
  virtual storage::Result<std::optional<SatisfactionState>> satisfaction(std::int64_t ticket_id) = 0;

  // Records `rating` and appends a "satisfaction_rated" event {rating, comment, previous}, in
  // one transaction: recorded. The same rating and comment again change nothing (unchanged).
  // A ticket never asked is not_asked; one whose window closed at or before rating.at is
  // closed; both store nothing. A rating other than "good"/"bad" is Code::bad_request;
  // Code::closed after close().
  virtual storage::Result<RatingOutcome> rate(const Rating& rating) = 0;
};

}  // namespace triaged::storage
