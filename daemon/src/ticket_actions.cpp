#include "ticket_actions.h"

#include <boost/json.hpp>

#include <algorithm>
#include <expected>
#include <optional>

#include "http_responses.h"
#include "json_output.h"
#include "routing/rule_spec.h"

namespace triaged::daemon {
namespace {

namespace json = boost::json;

constexpr std::string_view kTicketsPrefix = "/api/v1/tickets/";
// A reason is a sentence or two for the next person reading the history, not a document.
constexpr std::size_t kMaxReasonChars = 1000;
constexpr std::size_t kMaxActorChars = 200;

// What a valid reroute body asked for; topic or department may be empty, not both.
struct RerouteBody {
  std::string topic;
  std::string department;
  std::string reason;
  std::string actor;
};

std::size_t utf8_chars(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// "12/reroute" -> {"12", "reroute"}; anything else (no action, deeper paths) -> nullopt.
std::optional<std::pair<std::string, std::string>> ticket_and_action(const std::string& path) {
  if (!path.starts_with(kTicketsPrefix)) return std::nullopt;
  const std::string rest = path.substr(kTicketsPrefix.size());
  const auto slash = rest.find('/');
  if (slash == std::string::npos || slash == 0 || rest.find('/', slash + 1) != std::string::npos) return std::nullopt;
  return std::make_pair(rest.substr(0, slash), rest.substr(slash + 1));
}

template <typename Items>
std::string joined_ids(const Items& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item.id;
  return out;
}

// Reads a string member into `out`; absent or null leaves it empty.
void read_string(const json::object& o, const char* key, std::string& out, std::vector<FieldError>& errors) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return;
  if (!v->is_string()) return errors.push_back({key, "type", "must be a string"});
  out = std::string(v->get_string());
}

std::expected<RerouteBody, Problem> parse_body(std::string_view text, const routing::RuleSet& rules) {
  json::stream_parser parser;
  boost::system::error_code ec;
  const std::size_t consumed = parser.write_some(text.data(), text.size(), ec);
  if (!ec && consumed < text.size()) ec = json::error::extra_data;
  if (!ec) parser.finish(ec);
  if (ec) {
    const std::string why = "malformed JSON at byte " + std::to_string(consumed) + ": " + ec.message();
    return std::unexpected(bad_request(why, {{"", "malformed", why}}));
  }
  const json::value root = parser.release();
  if (!root.is_object()) return std::unexpected(bad_request("the body must be a JSON object", {{"", "type", "must be an object"}}));
  const json::object& o = root.get_object();

  std::vector<FieldError> errors;
  for (const auto& [key, value] : o) {
    if (key != "topic" && key != "department" && key != "reason" && key != "actor")
      errors.push_back({std::string(key), "unknown", "is not a reroute attribute (expected: topic, department, reason, actor)"});
  }
  RerouteBody body;
  read_string(o, "topic", body.topic, errors);
  read_string(o, "department", body.department, errors);
  read_string(o, "reason", body.reason, errors);
  read_string(o, "actor", body.actor, errors);

  // "" and null mean "not given", like an absent member.
  const auto reported = [&](std::string_view field) {
    return std::any_of(errors.begin(), errors.end(), [&](const FieldError& e) { return e.field == field; });
  };
  const auto& spec = rules.spec();
  if (body.topic.empty() && body.department.empty() && !reported("topic") && !reported("department"))
    errors.push_back({"topic|department", "missing", "give a new topic, a new department, or both"});
  if (!body.topic.empty() && !rules.has_topic(body.topic))
    errors.push_back({"topic", "unknown", "unknown topic \"" + body.topic + "\" (known: " + joined_ids(spec.topics) + ")"});
  const bool known_department = std::any_of(spec.departments.begin(), spec.departments.end(),
                                            [&](const auto& d) { return d.id == body.department; });
  if (!body.department.empty() && !known_department)
    errors.push_back({"department", "unknown", "unknown department \"" + body.department +
                                                   "\" (known: " + joined_ids(spec.departments) + ")"});
  if (body.reason.find_first_not_of(" \t\r\n") == std::string::npos) {
    if (!reported("reason")) errors.push_back({"reason", "missing", "say why the ticket is rerouted"});
  } else if (utf8_chars(body.reason) > kMaxReasonChars) {
    errors.push_back({"reason", "too_long", "at most " + std::to_string(kMaxReasonChars) + " characters"});
  }
  if (utf8_chars(body.actor) > kMaxActorChars)
    errors.push_back({"actor", "too_long", "at most " + std::to_string(kMaxActorChars) + " characters"});
  if (!errors.empty()) return std::unexpected(validation_failed("invalid reroute", std::move(errors)));
  return body;
}

class RerouteHandler {
 public:
  RerouteHandler(const ApiContext& ctx, const Request& req, const Api::Respond& respond)
      : ctx_(ctx), req_(req), respond_(respond) {}

  void run(const std::string& id_or_ref) {
    if (req_.method() != http::verb::post) return respond_(not_allowed_response("POST", req_));
    const std::string type = media_type(req_);
    if (!is_json_media_type(type))
      return fail(unsupported_media_type(type.empty() ? "(none)" : type, "application/json"));
    auto found = find(id_or_ref);
    if (!found) return store_failed(found.error());
    if (!*found) return fail(not_found("no ticket " + id_or_ref));
    const storage::StoredTicket& ticket = **found;
    // One snapshot for the whole request, as every endpoint does.
    const std::shared_ptr<const routing::RuleSet> rules = ctx_.rules();
    auto body = parse_body(req_.body(), *rules);
    if (!body) return fail(body.error());

    storage::Reroute reroute;
    reroute.ticket_id = ticket.id;
    reroute.topic = body->topic.empty() ? ticket.topic : body->topic;
    reroute.department = !body->department.empty() ? body->department : department_of(*rules, body->topic);
    reroute.reason = body->reason;
    reroute.actor = body->actor;
    reroute.at = ctx_.clock();
    auto outcome = ctx_.store->reroute(reroute);
    if (!outcome) {
      using Code = storage::StoreError::Code;
      if (outcome.error().code == Code::bad_request) return fail(not_found("no ticket " + id_or_ref));
      return respond_(store_write_failed(outcome.error(), req_, "the ticket was not rerouted"));
    }
    auto events = ctx_.store->events(ticket.id);
    if (!events) return store_failed(events.error());
    json::object answer = ticket_to_json(outcome->ticket, &*events);
    answer["rerouted"] = outcome->changed;
    respond_(json_response(http::status::ok, answer, req_));
  }

 private:
  // As GET /api/v1/tickets/{id}: digits are an id, and a numeric miss is tried as a ref.
  storage::Result<std::optional<storage::StoredTicket>> find(const std::string& id_or_ref) {
    storage::Result<std::optional<storage::StoredTicket>> found;
    if (!id_or_ref.empty() && id_or_ref.size() < 19 && id_or_ref.find_first_not_of("0123456789") == std::string::npos)
      found = ctx_.store->get(std::stoll(id_or_ref));
    if (!found || !*found) found = ctx_.store->get_by_ref(id_or_ref);
    return found;
  }
  static std::string department_of(const routing::RuleSet& rules, const std::string& topic) {
    for (const auto& t : rules.spec().topics)
      if (t.id == topic) return t.department;
    return {};
  }
  void fail(const Problem& p) { respond_(problem_response(p, req_)); }
  void store_failed(const storage::StoreError& e) { respond_(store_read_failed(e, req_)); }

  const ApiContext& ctx_;
  const Request& req_;
  const Api::Respond& respond_;
};

}  // namespace

bool handle_ticket_action(const ApiContext& ctx, const Request& req, const std::string& path,
                          const Api::Respond& respond) {
  const auto target = ticket_and_action(path);
  if (!target || target->second != "reroute") return false;
  RerouteHandler(ctx, req, respond).run(target->first);
  return true;
}

}  // namespace triaged::daemon
