#include "http/ticket_action_support.h"

#include <boost/json.hpp>

#include <algorithm>

#include "http/http_responses.h"
#include "common/json_output.h"
#include "common/strict_json.h"

namespace triaged::daemon {

namespace json = boost::json;

std::size_t utf8_chars(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::expected<json::object, Problem> parse_json_object(std::string_view text) {
  json::stream_parser parser;
  boost::system::error_code ec;
  const std::size_t consumed = parser.write_some(text.data(), text.size(), ec);
  if (!ec && consumed < text.size()) ec = json::error::extra_data;
  if (!ec) parser.finish(ec);
  if (ec) {
    const std::string why = "malformed JSON at byte " + std::to_string(consumed) + ": " + ec.message();
    return std::unexpected(bad_request(why, {{"", "malformed", why}}));
  }
  // issue 17: a member named twice or a NUL in a string is refused, naming the member.
  if (auto strict = strict_json_problem(text))
    return std::unexpected(bad_request((strict->field.empty() ? "" : strict->field + ": ") + strict->message, {*strict}));
  json::value root = parser.release();
  if (!root.is_object()) return std::unexpected(bad_request("the body must be a JSON object", {{"", "type", "must be an object"}}));
  return std::move(root.get_object());
}

void reject_unknown_members(const json::object& o, std::initializer_list<std::string_view> known,
                            std::string_view what, std::vector<FieldError>& errors) {
  std::string expected;
  for (std::string_view k : known) expected += (expected.empty() ? "" : ", ") + std::string(k);
  for (const auto& [key, value] : o) {
    if (std::find(known.begin(), known.end(), std::string_view(key.data(), key.size())) == known.end())
      errors.push_back({std::string(key), "unknown",
                        "is not a " + std::string(what) + " attribute (expected: " + expected + ")"});
  }
}

void read_string(const json::object& o, const char* key, std::string& out, std::vector<FieldError>& errors) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return;
  if (!v->is_string()) return errors.push_back({key, "type", "must be a string"});
  out = std::string(v->get_string());
}

void read_bool(const json::object& o, const char* key, bool& out, std::vector<FieldError>& errors) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return;
  if (!v->is_bool()) return errors.push_back({key, "type", "must be true or false"});
  out = v->get_bool();
}

bool has_error_for(const std::vector<FieldError>& errors, std::string_view field) {
  return std::any_of(errors.begin(), errors.end(), [&](const FieldError& e) { return e.field == field; });
}

storage::Result<std::optional<storage::StoredTicket>> find_ticket(storage::TicketRecords& store,
                                                                 const std::string& id_or_ref) {
  // All digits is an id; but a ref typed without its dash can be all digits too ("123456"
  // for "123-456"), so a numeric miss is tried as a ref.
  storage::Result<std::optional<storage::StoredTicket>> found;
  if (!id_or_ref.empty() && id_or_ref.size() < 19 && id_or_ref.find_first_not_of("0123456789") == std::string::npos)
    found = store.get(std::stoll(id_or_ref));
  if (!found || !*found) found = store.get_by_ref(id_or_ref);
  return found;
}

std::optional<storage::StoredTicket> TicketActionRequest::ticket(const std::string& id_or_ref) {
  const std::string type = media_type(req_);
  if (!is_json_media_type(type))
    return fail(unsupported_media_type(type.empty() ? "(none)" : type, "application/json")), std::nullopt;
  auto found = find_ticket(*ctx_.store, id_or_ref);
  if (!found) return respond_(store_read_failed(found.error())), std::nullopt;
  if (!*found) return fail(not_found("no ticket " + id_or_ref)), std::nullopt;
  return std::move(**found);
}

void TicketActionRequest::answer(const storage::StoredTicket& ticket, const char* flag, bool value) {
  auto events = ctx_.store->events(ticket.id);
  if (!events) return respond_(store_read_failed(events.error()));
  auto links = ctx_.store->links(ticket.id);
  if (!links) return respond_(store_read_failed(links.error()));
  json::object body = ticket_to_json(ticket, &*events);
  body["links"] = links_to_json(*links);
  body[flag] = value;
  respond_(json_response(200, body));
}

void TicketActionRequest::write_failed(const storage::StoreError& e, const std::string& id_or_ref,
                                       std::string_view not_done) {
  if (e.code == storage::StoreError::Code::bad_request) return fail(not_found("no ticket " + id_or_ref));
  respond_(store_write_failed(e, not_done));
}

void TicketActionRequest::fail(const Problem& p) { respond_(problem_response(p)); }

}  // namespace triaged::daemon
