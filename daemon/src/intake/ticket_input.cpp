#include "intake/ticket_input.h"

#include <boost/json.hpp>

#include <cctype>
#include <charconv>
#include <set>

#include "common/server_limits.h"
#include "common/strict_json.h"
#include "common/utf8.h"

namespace triaged::daemon {
namespace {

namespace json = boost::json;

bool valid_channel(const std::string& c) {
  if (c.empty() || c.size() > 32) return false;
  for (char ch : c)
    if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '-')) return false;
  return true;
}

// Boost.JSON serializes 1500.5 as "1.5005E3"; a decimal field wants the plain, shortest form.
std::string plain_number(double v) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
  return ec == std::errc() ? std::string(buf, end) : json::serialize(json::value(v));
}

// Checks shared by both encodings: sizes, channel syntax, something to route on.
std::vector<FieldError> check_ticket(const routing::Ticket& t) {
  std::vector<FieldError> errors;
  auto too_long = [&](const std::string& field, const std::string& v, std::size_t max) {
    if (v.size() > max)
      errors.push_back({field, "too_long", "is " + std::to_string(v.size()) + " bytes; the limit is " +
                                               std::to_string(max)});
  };
  too_long("subject", t.subject, limits::kMaxSubjectBytes);
  too_long("body", t.body, limits::kMaxBodyTextBytes);
  too_long("requester.name", t.requester.name, limits::kMaxFieldValueBytes);
  too_long("requester.email", t.requester.email, limits::kMaxFieldValueBytes);
  too_long("requester.phone", t.requester.phone, limits::kMaxFieldValueBytes);
  for (const auto& [k, v] : t.fields) too_long("fields." + k, v, limits::kMaxFieldValueBytes);
  if (t.fields.size() > limits::kMaxFields)
    errors.push_back({"fields", "too_long", "more than " + std::to_string(limits::kMaxFields) + " fields"});
  if (!valid_channel(t.channel))
    errors.push_back({"channel", "invalid", "must be 1-32 characters of a-z, 0-9, _ and -"});
  if (t.subject.find_first_not_of(" \t\r\n") == std::string::npos &&
      t.body.find_first_not_of(" \t\r\n") == std::string::npos)
    errors.push_back({"body", "missing", "a ticket needs a subject or a body"});
  return errors;
}

std::expected<routing::Ticket, Problem> finish(routing::Ticket t, std::vector<FieldError> errors) {
  auto more = check_ticket(t);
  errors.insert(errors.end(), more.begin(), more.end());
  if (!errors.empty()) return std::unexpected(validation_failed("the ticket has invalid fields", std::move(errors)));
  return t;
}

// Reads a string member; null or absent leaves `out` untouched.
void read_string(const json::object& o, const char* key, const std::string& path, std::string& out,
                 std::vector<FieldError>& errors) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return;
  if (!v->is_string()) {
    errors.push_back({path, "type", "must be a string"});
    return;
  }
  out = std::string(v->get_string());
}

void reject_unknown(const json::object& o, std::initializer_list<const char*> known, const std::string& prefix,
                    std::vector<FieldError>& errors) {
  for (const auto& [key, value] : o) {
    bool ok = false;
    for (const char* k : known) ok = ok || key == k;
    if (!ok) {
      std::string expected;
      for (const char* k : known) expected += (expected.empty() ? "" : ", ") + std::string(k);
      errors.push_back({prefix + std::string(key), "unknown", "is not a ticket attribute (expected: " + expected + ")"});
    }
  }
}

// "reject" or "hold"; anything else is an error naming both.
void read_on_missing(const std::string& value, OnMissing* out, std::vector<FieldError>& errors) {
  if (value == "reject" || value == "hold") {
    if (out != nullptr) *out = value == "hold" ? OnMissing::hold : OnMissing::reject;
    return;
  }
  errors.push_back({"on_missing", "invalid", "must be \"reject\" (answer 422) or \"hold\" (keep it and ask the requester by mail)"});
}

// The ticket attribute a form key sets, whichever of its spellings: "requester[name]" and
// "name" are "requester.name", "fields[x]", "field.x" and "x" are "fields.x".
std::string form_attribute(const std::string& key) {
  for (const char* plain : {"subject", "body", "topic", "channel", "on_missing"})
    if (key == plain) return key;
  for (const char* part : {"name", "email", "phone"})
    if (key == part || key == std::string("requester.") + part || key == std::string("requester[") + part + "]")
      return std::string("requester.") + part;
  if (key.rfind("fields[", 0) == 0 && key.back() == ']') return "fields." + key.substr(7, key.size() - 8);
  if (key.rfind("field.", 0) == 0) return "fields." + key.substr(6);
  return "fields." + key;
}

}  // namespace

std::expected<routing::Ticket, Problem> ticket_from_json(std::string_view body, OnMissing* on_missing) {
  json::stream_parser parser;
  boost::system::error_code ec;
  std::size_t consumed = parser.write_some(body.data(), body.size(), ec);
  if (!ec && consumed < body.size()) ec = json::error::extra_data;
  if (!ec) parser.finish(ec);
  if (ec) {
    return std::unexpected(bad_request("malformed JSON at byte " + std::to_string(consumed) + ": " + ec.message(),
                                       {{"", "malformed", "malformed JSON at byte " + std::to_string(consumed) +
                                                              ": " + ec.message()}}));
  }
  // issue 17: a member named twice (the parser would keep the last) or a NUL is refused.
  if (auto strict = strict_json_problem(body))
    return std::unexpected(bad_request((strict->field.empty() ? "" : strict->field + ": ") + strict->message, {*strict}));
  json::value root = parser.release();
  if (!root.is_object()) return std::unexpected(bad_request("the body must be a JSON object", {{"", "type", "must be an object"}}));
  const json::object& o = root.get_object();
  std::vector<FieldError> errors;
  reject_unknown(o, {"subject", "body", "requester", "fields", "topic", "channel", "on_missing"}, "", errors);
  routing::Ticket t;
  t.channel = "api";
  if (const json::value* v = o.if_contains("on_missing"); v && !v->is_null()) {
    if (v->is_string()) read_on_missing(std::string(v->get_string()), on_missing, errors);
    else errors.push_back({"on_missing", "type", "must be a string"});
  }
  read_string(o, "subject", "subject", t.subject, errors);
  read_string(o, "body", "body", t.body, errors);
  read_string(o, "topic", "topic", t.topic, errors);
  read_string(o, "channel", "channel", t.channel, errors);
  if (const json::value* r = o.if_contains("requester"); r && !r->is_null()) {
    if (!r->is_object()) {
      errors.push_back({"requester", "type", "must be an object"});
    } else {
      reject_unknown(r->get_object(), {"name", "email", "phone"}, "requester.", errors);
      read_string(r->get_object(), "name", "requester.name", t.requester.name, errors);
      read_string(r->get_object(), "email", "requester.email", t.requester.email, errors);
      read_string(r->get_object(), "phone", "requester.phone", t.requester.phone, errors);
    }
  }
  if (const json::value* f = o.if_contains("fields"); f && !f->is_null()) {
    if (!f->is_object()) {
      errors.push_back({"fields", "type", "must be an object of field id to value"});
    } else {
      for (const auto& [key, value] : f->get_object()) {
        const std::string path = "fields." + std::string(key);
        if (value.is_string()) t.fields[std::string(key)] = std::string(value.get_string());
        else if (value.is_int64()) t.fields[std::string(key)] = std::to_string(value.get_int64());
        else if (value.is_uint64()) t.fields[std::string(key)] = std::to_string(value.get_uint64());
        else if (value.is_double()) t.fields[std::string(key)] = plain_number(value.get_double());
        else if (!value.is_null()) errors.push_back({path, "type", "must be a string or a number"});
      }
    }
  }
  return finish(std::move(t), std::move(errors));
}

bool form_decode(std::string_view in, std::string& out) {
  out.clear();
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '+') {
      out += ' ';
    } else if (in[i] == '%') {
      if (i + 2 >= in.size() || !std::isxdigit(static_cast<unsigned char>(in[i + 1])) ||
          !std::isxdigit(static_cast<unsigned char>(in[i + 2])))
        return false;
      out += static_cast<char>(std::stoi(std::string(in.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += in[i];
    }
  }
  return true;
}

std::expected<routing::Ticket, Problem> ticket_from_form(std::string_view body, OnMissing* on_missing) {
  routing::Ticket t;
  t.channel = "web";
  std::vector<FieldError> errors;
  std::set<std::string> seen;  // form_attribute() of every key so far
  std::size_t pos = 0;
  while (pos <= body.size()) {
    std::size_t amp = body.find('&', pos);
    if (amp == std::string_view::npos) amp = body.size();
    std::string_view pair = body.substr(pos, amp - pos);
    pos = amp + 1;
    if (pair.empty()) continue;
    const std::size_t eq = pair.find('=');
    std::string key, value;
    if (!form_decode(pair.substr(0, eq), key) ||
        !form_decode(eq == std::string_view::npos ? "" : pair.substr(eq + 1), value))
      return std::unexpected(bad_request("malformed form data: a broken %-escape near byte " + std::to_string(pos)));
    if (!is_utf8(key) || !is_utf8(value))
      return std::unexpected(bad_request("form data is not valid UTF-8 (field \"" + key + "\")"));
    // issue 17: no form key is a list; a NUL is no text.
    const std::string attribute = form_attribute(key);
    if (key.find('\0') != std::string::npos || value.find('\0') != std::string::npos)
      return std::unexpected(bad_request(attribute + ": contains a NUL character", {{attribute, "invalid", "contains a NUL character"}}));
    if (!seen.insert(attribute).second)
      return std::unexpected(bad_request(attribute + ": given more than once",
                                         {{attribute, "duplicate", "\"" + key + "\" repeats a key given before"}}));
    if (key == "subject") t.subject = value;
    else if (key == "body") t.body = value;
    else if (key == "topic") t.topic = value;
    else if (key == "channel") t.channel = value;
    else if (key == "on_missing") read_on_missing(value, on_missing, errors);
    else if (key == "name" || key == "requester.name" || key == "requester[name]") t.requester.name = value;
    else if (key == "email" || key == "requester.email" || key == "requester[email]") t.requester.email = value;
    else if (key == "phone" || key == "requester.phone" || key == "requester[phone]") t.requester.phone = value;
    else if (key.rfind("fields[", 0) == 0 && key.back() == ']') t.fields[key.substr(7, key.size() - 8)] = value;
    else if (key.rfind("field.", 0) == 0) t.fields[key.substr(6)] = value;
    else if (!value.empty()) t.fields[key] = value;
  }
  // An empty form select sends topic=""; that means "let the rules decide".
  return finish(std::move(t), std::move(errors));
}

}  // namespace triaged::daemon
