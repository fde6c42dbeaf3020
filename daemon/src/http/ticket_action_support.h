// What the staff actions on one ticket (ticket_actions.cpp: reroute, claim, status, link)
// share: the JSON check, reading a JSON object body into per-member errors, finding the
// ticket by id or ref, and the answer with the ticket and its events.
#pragma once

#include <boost/json/object.hpp>

#include <cstddef>
#include <expected>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/api.h"
#include "common/problem.h"

namespace triaged::daemon {

// A reason is a sentence or two for the next person reading the history, not a document.
inline constexpr std::size_t kMaxReasonChars = 1000;
inline constexpr std::size_t kMaxActorChars = 200;

std::size_t utf8_chars(std::string_view s);

// The body as a JSON object: 400 with the byte offset when it does not parse, 400 when it is
// not an object.
std::expected<boost::json::object, Problem> parse_json_object(std::string_view text);

// One "unknown" error per member not in `known`; `what` names the action ("reroute").
void reject_unknown_members(const boost::json::object& o, std::initializer_list<std::string_view> known,
                            std::string_view what, std::vector<FieldError>& errors);
// Reads a string member into `out`; absent or null leaves it empty, another type is a "type" error.
void read_string(const boost::json::object& o, const char* key, std::string& out, std::vector<FieldError>& errors);
// As read_string for a boolean member; absent or null leaves `out` as it is.
void read_bool(const boost::json::object& o, const char* key, bool& out, std::vector<FieldError>& errors);
bool has_error_for(const std::vector<FieldError>& errors, std::string_view field);

// The ticket an API path names by id ("12") or ref ("K7M-3QX", as people type it).
storage::Result<std::optional<storage::StoredTicket>> find_ticket(storage::TicketRecords& store,
                                                                 const std::string& id_or_ref);

// One staff action's request: answers the checks every action shares, then hands the found
// ticket to the action. Lives for one endpoint call (ticket_actions.h).
class TicketActionRequest {
 public:
  TicketActionRequest(const ApiContext& ctx, const Request& req, const Api::Respond& respond)
      : ctx_(ctx), req_(req), respond_(respond) {}

  // JSON only (415), the ticket must exist (404); then the ticket. nullopt
  // when an answer was already given.
  std::optional<storage::StoredTicket> ticket(const std::string& id_or_ref);
  // 200 with the ticket, its events and `flag` (e.g. "claimed": true).
  void answer(const storage::StoredTicket& ticket, const char* flag, bool value);
  // A store write that failed: 404 for bad_request (the ticket vanished), else 503/500.
  void write_failed(const storage::StoreError& e, const std::string& id_or_ref, std::string_view not_done);
  void fail(const Problem& p);

  const ApiContext& ctx() const { return ctx_; }
  const Request& req() const { return req_; }

 private:
  const ApiContext& ctx_;
  const Request& req_;
  const Api::Respond& respond_;
};

// The actions: each answers through `request` exactly once.
void run_reroute(TicketActionRequest& request, const std::string& id_or_ref);  // ticket_actions.cpp
void run_claim(TicketActionRequest& request, const std::string& id_or_ref);    // ticket_claim.cpp
void run_status_change(TicketActionRequest& request, const std::string& id_or_ref);  // ticket_claim.cpp
void run_link(TicketActionRequest& request, const std::string& id_or_ref);     // ticket_link.cpp

}  // namespace triaged::daemon
