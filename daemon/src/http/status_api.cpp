#include "http/status_api.h"

#include <openssl/crypto.h>

#include <set>

#include <boost/json.hpp>

#include "common/digest.h"
#include "common/problem.h"
#include "common/server_limits.h"
#include "common/status_token.h"
#include "common/strict_json.h"
#include "common/utf8.h"
#include "http/customer_portal.h"
#include "http/http_responses.h"
#include "http/status_json.h"
#include "http/status_token_check.h"
#include "identity/normalize.h"
#include "intake/acknowledgement.h"
#include "intake/email_steps.h"
#include "intake/requester_history.h"

namespace triaged::daemon {
namespace {

namespace json = boost::json;
using Clock = std::chrono::system_clock;

// The one answer for "no such reference" and "not this reference's contact": same status,
// same bytes, so the answer tells a guesser nothing.
Problem lookup_refused() {
  return {404, "not-found", "Not found", "no ticket with this reference and contact", {}, {}};
}

// "k7m 3qx" and "K7M-3QX" count as one reference for the rate limit.
std::string ref_key(const std::string& ref) {
  std::string key;
  for (char c : ref)
    if (std::isalnum(static_cast<unsigned char>(c))) key += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return key.substr(0, 32);
}

// Constant-time equality of two strings through their SHA-256 digests (fixed length).
bool same_secretly(const std::string& a, const std::string& b) {
  const std::string da = sha256_hex(a), db = sha256_hex(b);
  return CRYPTO_memcmp(da.data(), db.data(), da.size()) == 0;
}

class StatusHandler {
 public:
  explicit StatusHandler(const Call& call) : call_(call), ctx_(call.ctx) {}

  void get() {
    auto it = call_.query.find("token");
    if (it == call_.query.end() || it->second.empty())
      return fail(bad_request("token: missing", {{"token", "missing", "the status link's token"}}));
    auto ticket = ticket_of(it->second);
    if (!ticket) return;
    answer(200, *ticket);
  }

  void lookup() {
    auto body = json_body();
    if (!body) return;
    const std::string ref = string_member(*body, "ref"), contact = string_member(*body, "contact");
    std::vector<FieldError> errors;
    if (ref.empty()) errors.push_back({"ref", "missing", "the reference from our message, like K7M-3QX"});
    if (contact.empty()) errors.push_back({"contact", "missing", "the e-mail or phone given with the request"});
    if (ref.size() > 64) errors.push_back({"ref", "too_long", "at most 64 characters"});
    if (contact.size() > 320) errors.push_back({"contact", "too_long", "at most 320 characters"});
    if (!errors.empty()) return fail(bad_request("invalid lookup", std::move(errors)));
    if (auto wait = ctx_.customer->take_lookup(ref_key(ref), CustomerPortal::Clock::now())) {
      Response res = problem_response({429, "rate-limited", "Too many requests",
                                       "too many lookups; try again later or use the link from our message", {}, {}});
      res.headers.set("Retry-After", std::to_string(wait->count()));
      return call_.respond(std::move(res));
    }
    auto found = ctx_.store->get_by_ref(ref);
    if (!found) return call_.respond(store_read_failed(found.error()));
    // Found or not, the same comparisons run: against the ticket's keys or against
    // placeholders no input can equal (normalised keys never contain a space).
    storage::RequesterKeys keys{" none ", " none "};
    if (*found) {
      const storage::RequesterKeys real = requester_keys((*found)->ticket);
      if (!real.email.empty()) keys.email = real.email;
      if (!real.phone.empty()) keys.phone = real.phone;
    }
    const std::string email = identity::normalize_email(contact).value_or(" no email ");
    const std::string phone = identity::normalize_phone(contact).value_or(" no phone ");
    const bool email_matches = same_secretly(email, keys.email);
    const bool phone_matches = same_secretly(phone, keys.phone);
    if (!*found || !(email_matches || phone_matches)) return fail(lookup_refused());
    const storage::StoredTicket& ticket = **found;
    json::object out = view(ticket);
    out["token"] = ctx_.customer->token(ticket.id, ticket.ref, ctx_.clock());
    call_.respond(json_response(200, out));
  }

  void message() {
    auto body = json_body();
    if (!body) return;
    auto ticket = ticket_of(string_member(*body, "token"));
    if (!ticket) return;
    const std::string text = string_member(*body, "text");
    if (text.find_first_not_of(" \t\r\n") == std::string::npos)
      return fail(bad_request("text: missing", {{"text", "missing", "write a message"}}));
    if (text.size() > limits::kMaxBodyTextBytes)
      return fail(bad_request("text: too long", {{"text", "too_long", "at most 512 KiB"}}));
    storage::MailWrite w = append_from_customer(*ticket, text);
    w.events.push_back({"customer_message", json::serialize(json::object{{"via", "status_page"}})});
    // A message can carry what a needs_info ticket lacks, as a mail reply can.
    if (ticket->status == "needs_info") {
      routing::Ticket known = ticket->ticket;
      known.body = known.body + "\n\n" + text;
      email::NeedsInfoRecheck checked = email::recheck_needs_info(*ctx_.rules(), *ticket, std::move(known), ctx_.clock());
      if (checked.released) {
        w.events.push_back(std::move(checked.event));
        w.update = std::move(checked.update);
      }
    }
    store(std::move(w), ticket->id, 201);
  }

  void fields() {
    auto body = json_body();
    if (!body) return;
    auto ticket = ticket_of(string_member(*body, "token"));
    if (!ticket) return;
    if (ticket->status != "needs_info")
      return fail({409, "conflict", "Conflict", "this ticket needs nothing more", {{"fields", "conflict", "nothing is missing"}}, {}});
    const json::value* given = body->if_contains("fields");
    if (given == nullptr || !given->is_object())
      return fail(bad_request("fields: missing", {{"fields", "missing", "an object of field id to value"}}));
    const auto rules = ctx_.rules();
    const auto now = ctx_.clock();
    // Only what the form asked for: a customer cannot change the fields staff route on.
    std::set<std::string> asked;
    for (const auto& p : open_problems(*rules, *ticket, now)) {
      std::size_t start = 0;
      for (auto bar = p.field.find('|'); ; bar = p.field.find('|', start)) {
        asked.insert(p.field.substr(start, bar - start));
        if (bar == std::string::npos) break;
        start = bar + 1;
      }
    }
    routing::Ticket known = ticket->ticket;
    std::string text;
    std::vector<FieldError> errors;
    for (const auto& member : given->as_object()) {
      const std::string id(member.key());
      const json::value& value = member.value();
      if (!asked.contains(id)) {
        errors.push_back({id, "unknown", "not a field this ticket asks for"});
        continue;
      }
      if (!value.is_string()) {
        errors.push_back({id, "type", "must be a string"});
        continue;
      }
      const std::string v(value.as_string());
      if (v.size() > limits::kMaxFieldValueBytes || !is_utf8(v)) {
        errors.push_back({id, "invalid", "too long or not UTF-8"});
        continue;
      }
      if (v.empty()) continue;
      if (id == "email") known.requester.email = v;
      else if (id == "phone") known.requester.phone = v;
      else known.fields[id] = v;
      text += field_titles(*rules, id, customer_language(*rules)) + ": " + v + "\n";
    }
    if (!errors.empty()) return fail(bad_request("invalid fields", std::move(errors)));
    email::NeedsInfoRecheck checked = email::recheck_needs_info(*rules, *ticket, std::move(known), now);
    if (!checked.released) {
      for (const auto& p : checked.decision.problems) errors.push_back({p.field, p.code, p.message});
      Problem problem = validation_failed("the ticket still needs more data", std::move(errors));
      return fail(problem);
    }
    storage::MailWrite w = append_from_customer(*ticket, text);
    w.events.push_back({"customer_fields", json::serialize(json::object{{"via", "status_page"}})});
    w.events.push_back(std::move(checked.event));
    w.update = std::move(checked.update);
    store(std::move(w), ticket->id, 200);
  }

 private:
  void fail(const Problem& p) { call_.respond(problem_response(p)); }

  std::optional<json::object> json_body() {
    const std::string type = media_type(call_.req);
    if (!is_json_media_type(type)) {
      fail(unsupported_media_type(type.empty() ? "(none)" : type, "application/json"));
      return std::nullopt;
    }
    if (auto strict = strict_json_problem(call_.req.body)) {
      fail(bad_request(strict->field + ": " + strict->message, {*strict}));
      return std::nullopt;
    }
    boost::system::error_code ec;
    json::value v = json::parse(call_.req.body, ec);
    if (ec || !v.is_object()) {
      fail(bad_request("the body must be a JSON object", {{"", "malformed", ec ? ec.message() : "not an object"}}));
      return std::nullopt;
    }
    return std::move(v.as_object());
  }

  static std::string string_member(const json::object& o, const char* key) {
    const json::value* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
  }

  // The ticket a token names, or the refusal already answered.
  std::optional<storage::StoredTicket> ticket_of(const std::string& token) {
    auto ticket = ticket_by_token(ctx_, token);
    if (!ticket) {
      call_.respond(std::move(ticket.error()));
      return std::nullopt;
    }
    return std::move(*ticket);
  }

  json::object view(const storage::StoredTicket& ticket) {
    auto thread = ctx_.store->customer_thread(ticket.id);
    if (!thread) thread = std::vector<storage::StoredMessage>{};
    return status_to_json(*ctx_.rules(), ticket, *thread, ctx_.clock());
  }

  void answer(unsigned status, const storage::StoredTicket& ticket) {
    auto thread = ctx_.store->customer_thread(ticket.id);
    if (!thread) return call_.respond(store_read_failed(thread.error()));
    Response res = json_response(status, status_to_json(*ctx_.rules(), ticket, *thread, ctx_.clock()));
    res.headers.set("Cache-Control", "no-store");
    call_.respond(std::move(res));
  }

  storage::MailWrite append_from_customer(const storage::StoredTicket& ticket, const std::string& text) const {
    storage::MailWrite w;
    w.kind = storage::MailWrite::Kind::append_to_ticket;
    w.ticket_id = ticket.id;
    w.received_at = ctx_.clock();
    w.message.direction = "in";
    w.message.kind = "message";
    w.message.channel = "web";
    w.message.from_address = ticket.ticket.requester.email;
    w.message.from_name = ticket.ticket.requester.name;
    w.message.text = text;
    return w;
  }

  // Commits on the writer; the answer (the ticket as the customer now sees it) is built on an
  // HTTP thread when the daemon gives one.
  void store(storage::MailWrite w, std::int64_t ticket_id, unsigned status) {
    auto done = [ctx = &ctx_, respond = call_.respond, ticket_id, status](storage::Result<storage::MailOutcome> r) {
      if (!r) return respond(store_write_failed(r.error(), "the message was not stored"));
      auto ticket = ctx->store->get(ticket_id);
      if (!ticket || !*ticket) return respond(store_read_failed(ticket ? storage::StoreError{storage::StoreError::Code::io, "ticket vanished"} : ticket.error()));
      auto thread = ctx->store->customer_thread(ticket_id);
      if (!thread) return respond(store_read_failed(thread.error()));
      Response res = json_response(status, status_to_json(*ctx->rules(), **ticket, *thread, ctx->clock()));
      res.headers.set("Cache-Control", "no-store");
      respond(std::move(res));
    };
    ctx_.store->write_mail(std::move(w), [done = std::move(done), defer = ctx_.defer](auto result) mutable {
      if (!defer) return done(std::move(result));
      defer([done = std::move(done), result = std::move(result)]() mutable { done(std::move(result)); });
    });
  }

  const Call& call_;
  const ApiContext& ctx_;
};

}  // namespace

void get_status(const Call& c) { StatusHandler(c).get(); }
void post_status_lookup(const Call& c) { StatusHandler(c).lookup(); }
void post_status_message(const Call& c) { StatusHandler(c).message(); }
void post_status_fields(const Call& c) { StatusHandler(c).fields(); }

}  // namespace triaged::daemon
