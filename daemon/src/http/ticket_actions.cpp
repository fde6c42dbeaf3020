#include "http/ticket_actions.h"

#include <boost/json.hpp>

#include <algorithm>
#include <expected>
#include <optional>

#include "http/ticket_action_support.h"
#include "routing/rule_spec.h"

namespace triaged::daemon {
namespace {

namespace json = boost::json;

// What a valid reroute body asked for; topic or department may be empty, not both.
struct RerouteBody {
  std::string topic;
  std::string department;
  std::string reason;
  std::string actor;
};

template <typename Items>
std::string joined_ids(const Items& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item.id;
  return out;
}

std::expected<RerouteBody, Problem> parse_body(std::string_view text, const routing::RuleSet& rules) {
  auto parsed = parse_json_object(text);
  if (!parsed) return std::unexpected(parsed.error());
  const json::object& o = *parsed;

  std::vector<FieldError> errors;
  reject_unknown_members(o, {"topic", "department", "reason", "actor"}, "reroute", errors);
  RerouteBody body;
  read_string(o, "topic", body.topic, errors);
  read_string(o, "department", body.department, errors);
  read_string(o, "reason", body.reason, errors);
  read_string(o, "actor", body.actor, errors);

  // "" and null mean "not given", like an absent member.
  const auto& spec = rules.spec();
  if (body.topic.empty() && body.department.empty() && !has_error_for(errors, "topic") &&
      !has_error_for(errors, "department"))
    errors.push_back({"topic|department", "missing", "give a new topic, a new department, or both"});
  if (!body.topic.empty() && !rules.has_topic(body.topic))
    errors.push_back({"topic", "unknown", "unknown topic \"" + body.topic + "\" (known: " + joined_ids(spec.topics) + ")"});
  const bool known_department = std::any_of(spec.departments.begin(), spec.departments.end(),
                                            [&](const auto& d) { return d.id == body.department; });
  if (!body.department.empty() && !known_department)
    errors.push_back({"department", "unknown", "unknown department \"" + body.department +
                                                   "\" (known: " + joined_ids(spec.departments) + ")"});
  if (body.reason.find_first_not_of(" \t\r\n") == std::string::npos) {
    if (!has_error_for(errors, "reason")) errors.push_back({"reason", "missing", "say why the ticket is rerouted"});
  } else if (utf8_chars(body.reason) > kMaxReasonChars) {
    errors.push_back({"reason", "too_long", "at most " + std::to_string(kMaxReasonChars) + " characters"});
  }
  if (utf8_chars(body.actor) > kMaxActorChars)
    errors.push_back({"actor", "too_long", "at most " + std::to_string(kMaxActorChars) + " characters"});
  if (!errors.empty()) return std::unexpected(validation_failed("invalid reroute", std::move(errors)));
  return body;
}

std::string department_of(const routing::RuleSet& rules, const std::string& topic) {
  for (const auto& t : rules.spec().topics)
    if (t.id == topic) return t.department;
  return {};
}

}  // namespace

void run_reroute(TicketActionRequest& request, const std::string& id_or_ref) {
  auto ticket = request.ticket(id_or_ref);
  if (!ticket) return;
  // One snapshot for the whole request, as every endpoint does.
  const std::shared_ptr<const routing::RuleSet> rules = request.ctx().rules();
  auto body = parse_body(request.req().body, *rules);
  if (!body) return request.fail(body.error());

  storage::Reroute reroute;
  reroute.ticket_id = ticket->id;
  reroute.topic = body->topic.empty() ? ticket->topic : body->topic;
  reroute.department = !body->department.empty() ? body->department : department_of(*rules, body->topic);
  reroute.reason = body->reason;
  reroute.actor = body->actor;
  reroute.at = request.ctx().clock();
  auto outcome = request.ctx().store->reroute(reroute);
  if (!outcome) return request.write_failed(outcome.error(), id_or_ref, "the ticket was not rerouted");
  request.answer(outcome->ticket, "rerouted", outcome->changed);
}

namespace {

// The shared checks (JSON, the ticket exists), then the action on the ticket "{id}" names.
void run_action(const Call& call, void (*action)(TicketActionRequest&, const std::string&)) {
  TicketActionRequest request(call.ctx, call.req, call.respond);
  action(request, call.param);
}

}  // namespace

void post_reroute(const Call& call) { run_action(call, run_reroute); }
void post_claim(const Call& call) { run_action(call, run_claim); }
void post_status(const Call& call) { run_action(call, run_status_change); }
void post_link(const Call& call) { run_action(call, run_link); }

}  // namespace triaged::daemon
