// POST /api/v1/tickets/{id}/link: staff say two tickets are one problem (or related), or
// take that back. Both tickets get the event, so either history tells the story.
#include <boost/json.hpp>

#include "http/ticket_action_support.h"

namespace triaged::daemon {

void run_link(TicketActionRequest& request, const std::string& id_or_ref) {
  auto ticket = request.ticket(id_or_ref);
  if (!ticket) return;
  auto parsed = parse_json_object(request.req().body);
  if (!parsed) return request.fail(parsed.error());

  std::vector<FieldError> errors;
  reject_unknown_members(*parsed, {"ticket", "kind", "unlink", "reason", "actor"}, "link", errors);
  storage::LinkChange change;
  std::string other;
  read_string(*parsed, "ticket", other, errors);
  read_string(*parsed, "kind", change.kind, errors);
  read_bool(*parsed, "unlink", change.unlink, errors);
  read_string(*parsed, "reason", change.reason, errors);
  read_string(*parsed, "actor", change.actor, errors);
  if (change.kind.empty()) change.kind = "duplicate_of";
  if (other.empty() && !has_error_for(errors, "ticket"))
    errors.push_back({"ticket", "missing", "give the id or ref of the other ticket"});
  if (change.kind != "duplicate_of" && change.kind != "related" && !has_error_for(errors, "kind"))
    errors.push_back({"kind", "invalid", "must be duplicate_of or related"});
  if (utf8_chars(change.reason) > kMaxReasonChars)
    errors.push_back({"reason", "too_long", "at most " + std::to_string(kMaxReasonChars) + " characters"});
  if (utf8_chars(change.actor) > kMaxActorChars)
    errors.push_back({"actor", "too_long", "at most " + std::to_string(kMaxActorChars) + " characters"});
  std::optional<storage::StoredTicket> other_ticket;
  if (!other.empty()) {
    auto found = find_ticket(*request.ctx().store, other);
    if (!found) return request.write_failed(found.error(), id_or_ref, "the tickets were not linked");
    if (!*found) errors.push_back({"ticket", "unknown", "no ticket " + other});
    else if ((*found)->id == ticket->id) errors.push_back({"ticket", "invalid", "a ticket cannot be linked to itself"});
    else other_ticket = std::move(**found);
  }
  if (!errors.empty()) return request.fail(validation_failed("invalid link", std::move(errors)));

  change.ticket_id = ticket->id;
  change.other_id = other_ticket->id;
  change.at = request.ctx().clock();
  auto outcome = request.ctx().store->change_link(change);
  if (!outcome) return request.write_failed(outcome.error(), id_or_ref, "the tickets were not linked");
  request.answer(outcome->ticket, change.unlink ? "unlinked" : "linked", outcome->changed);
}

}  // namespace triaged::daemon
