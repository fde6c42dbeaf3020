// POST /api/v1/tickets/{id}/claim and /status: staff take a ticket and move it through its
// statuses; each change is an event in the ticket's history.
#include <boost/json.hpp>

#include <algorithm>
#include <array>
#include <string_view>

#include "http/customer_portal.h"
#include "http/ticket_action_support.h"
#include "intake/acknowledgement.h"
#include "intake/satisfaction_mail.h"

namespace triaged::daemon {
namespace {

namespace json = boost::json;

// The statuses staff may set. "needs_info" is left out: it means the customer was asked by
// mail for missing fields and is released by their reply (email_ingest), which a status set
// by hand would never send.
constexpr std::array<std::string_view, 5> kStaffStatuses = {"new", "in_progress", "waiting", "resolved", "closed"};

bool blank(const std::string& s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; }

std::string staff_statuses() {
  std::string out;
  for (std::string_view s : kStaffStatuses) out += (out.empty() ? "" : ", ") + std::string(s);
  return out;
}

// Someone else holds the ticket: 409, naming who, so the board can offer to take it over.
Problem held_by(const std::string& assignee) {
  Problem p{409, "conflict", "Conflict", "the ticket is claimed by \"" + assignee + "\"",
            {{"assignee", "conflict",
              "already claimed by \"" + assignee + "\"; send \"take_over\": true to take it over"}},
            {}};
  p.extra["assignee"] = assignee;
  return p;
}

// The survey a resolve asks when the live rules ask one for the ticket's topic and channel;
// the store asks it only if the ticket was never asked. False when the thread could not be
// read (the answer was given).
bool attach_survey(TicketActionRequest& request, const std::string& id_or_ref, const storage::StoredTicket& ticket,
                   storage::StatusChange& change) {
  if (change.status != "resolved" || ticket.status == "resolved") return true;
  const ApiContext& ctx = request.ctx();
  const auto rules = ctx.rules();
  if (!rules || !rules->spec().satisfaction) return true;
  auto thread = ctx.store->messages(ticket.id);
  if (!thread) {
    request.write_failed(thread.error(), id_or_ref, "the status was not changed");
    return false;
  }
  const CustomerPortalOptions options = ctx.customer ? ctx.customer->options() : CustomerPortalOptions{};
  change.survey = survey_request(*rules, ticket, *thread,
                                 {new_outgoing_message_id(options.message_id_domain), options.max_auto_replies_per_day,
                                  change.at});
  return true;
}

}  // namespace

void run_claim(TicketActionRequest& request, const std::string& id_or_ref) {
  auto ticket = request.ticket(id_or_ref);
  if (!ticket) return;
  auto parsed = parse_json_object(request.req().body);
  if (!parsed) return request.fail(parsed.error());

  std::vector<FieldError> errors;
  reject_unknown_members(*parsed, {"assignee", "take_over"}, "claim", errors);
  storage::Claim claim;
  read_string(*parsed, "assignee", claim.assignee, errors);
  read_bool(*parsed, "take_over", claim.take_over, errors);
  if (blank(claim.assignee)) {
    if (!has_error_for(errors, "assignee")) errors.push_back({"assignee", "missing", "say who takes the ticket"});
  } else if (utf8_chars(claim.assignee) > kMaxActorChars) {
    errors.push_back({"assignee", "too_long", "at most " + std::to_string(kMaxActorChars) + " characters"});
  }
  if (!errors.empty()) return request.fail(validation_failed("invalid claim", std::move(errors)));

  claim.ticket_id = ticket->id;
  claim.at = request.ctx().clock();
  auto outcome = request.ctx().store->claim(claim);
  if (!outcome) return request.write_failed(outcome.error(), id_or_ref, "the ticket was not claimed");
  if (outcome->ticket.assignee != claim.assignee) return request.fail(held_by(outcome->ticket.assignee));
  request.answer(outcome->ticket, "claimed", outcome->changed);
}

void run_status_change(TicketActionRequest& request, const std::string& id_or_ref) {
  auto ticket = request.ticket(id_or_ref);
  if (!ticket) return;
  auto parsed = parse_json_object(request.req().body);
  if (!parsed) return request.fail(parsed.error());

  std::vector<FieldError> errors;
  reject_unknown_members(*parsed, {"status", "reason", "actor"}, "status change", errors);
  storage::StatusChange change;
  read_string(*parsed, "status", change.status, errors);
  read_string(*parsed, "reason", change.reason, errors);
  read_string(*parsed, "actor", change.actor, errors);
  if (change.status.empty()) {
    if (!has_error_for(errors, "status"))
      errors.push_back({"status", "missing", "give the new status (one of: " + staff_statuses() + ")"});
  } else if (std::find(kStaffStatuses.begin(), kStaffStatuses.end(), change.status) == kStaffStatuses.end()) {
    errors.push_back({"status", "invalid", "unknown status \"" + change.status + "\" (one of: " + staff_statuses() + ")"});
  }
  if (utf8_chars(change.reason) > kMaxReasonChars)
    errors.push_back({"reason", "too_long", "at most " + std::to_string(kMaxReasonChars) + " characters"});
  if (utf8_chars(change.actor) > kMaxActorChars)
    errors.push_back({"actor", "too_long", "at most " + std::to_string(kMaxActorChars) + " characters"});
  if (!errors.empty()) return request.fail(validation_failed("invalid status change", std::move(errors)));

  change.ticket_id = ticket->id;
  change.at = request.ctx().clock();
  if (!attach_survey(request, id_or_ref, *ticket, change)) return;
  auto outcome = request.ctx().store->change_status(change);
  if (!outcome) return request.write_failed(outcome.error(), id_or_ref, "the status was not changed");
  if (change.survey && change.survey->mail && outcome->changed && request.ctx().mail_queued) request.ctx().mail_queued();
  request.answer(outcome->ticket, "changed", outcome->changed);
}

}  // namespace triaged::daemon
