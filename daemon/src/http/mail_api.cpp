#include "http/mail_api.h"

#include <boost/json.hpp>

#include <cstring>

#include "intake/email_ingest.h"
#include "http/http_responses.h"
#include "common/json_output.h"
#include "common/metrics.h"
#include "common/server_limits.h"

namespace triaged::daemon {
namespace {

namespace json = boost::json;

std::optional<std::int64_t> parse_id(const std::string& s) {
  if (s.empty() || s.size() > 18 || s.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  return std::stoll(s);
}

// RFC 6266/8187: a UTF-8 filename survives every browser; the ASCII one is the fallback.
std::string content_disposition(const std::string& filename) {
  static const char* kHex = "0123456789ABCDEF";
  std::string ascii, encoded;
  for (unsigned char c : filename) {
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') ascii += static_cast<char>(c);
    else if ((c & 0xC0) != 0x80) ascii += '_';  // one '_' per character, not per UTF-8 byte
    if (std::isalnum(c) || std::strchr("!#$&+-.^_`|~", c)) encoded += static_cast<char>(c);
    else encoded += {'%', kHex[c >> 4], kHex[c & 15]};
  }
  if (filename.empty()) return "attachment";
  return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
}

json::object quarantine_to_json(const storage::QuarantineEntry& q) {
  return {{"id", q.id},
          {"at", format_time(q.at)},
          {"mailbox", q.mailbox},
          {"message_id", q.message_id},
          {"reason", q.reason},
          {"raw_size", q.raw_size},
          {"status", q.status},
          {"ticket_id", q.ticket_id ? json::value(*q.ticket_id) : json::value(nullptr)},
          {"raw_url", "/api/v1/quarantine/" + std::to_string(q.id) + "/raw"}};
}

class MailHandler {
 public:
  explicit MailHandler(const Call& call) : ctx_(call.ctx), req_(call.req), respond_(call.respond) {}

  void fail(const Problem& p) { respond_(problem_response(p)); }
  void store_failed(const storage::StoreError& e) { respond_(store_read_failed(e)); }
  void bytes(const std::string& content_type, std::string body, const std::string& disposition) {
    Response res;
    res.headers.set("Content-Type", content_type);
    res.headers.set("Cache-Control", "no-store");
    // Mail content is hostile by default: never let a browser sniff it into HTML.
    res.headers.set("X-Content-Type-Options", "nosniff");
    if (!disposition.empty()) res.headers.set("Content-Disposition", disposition);
    res.body = std::move(body);
    respond_(std::move(res));
  }

  void ingest(const std::map<std::string, std::string>& query, std::optional<std::int64_t> reprocess) {
    if (ctx_.email == nullptr) return fail(service_unavailable("email ingest is not configured"));
    std::string mailbox;
    for (const auto& [k, v] : query) {
      if (k == "mailbox") mailbox = v;
      else return fail(bad_request("invalid query", {{k, "unknown", "unknown query parameter (expected mailbox)"}}));
    }
    if (mailbox.size() > 320)
      return fail(bad_request("invalid mailbox", {{"mailbox", "too_long", "at most 320 characters"}}));
    const std::string type = media_type(req_);
    if (type != "message/rfc822" && type != "application/octet-stream" && type != "text/plain")
      return fail(unsupported_media_type(type.empty() ? "(none)" : type, "message/rfc822"));
    if (req_.body.empty())
      return fail(bad_request("empty message", {{"body", "missing", "the request body must be one RFC 5322 message"}}));
    run_ingest(req_.body, mailbox, reprocess);
  }

  void run_ingest(std::string raw, std::string mailbox, std::optional<std::int64_t> reprocess) {
    EmailIngest::Done done = [respond = respond_, poke = ctx_.mail_queued, metrics = ctx_.metrics](auto result) mutable {
      if (!result) {
        // Code::bad_request here means ingest asked for something impossible (a ticket that
        // vanished): our fault, not the message's, so it is a 500 and the MTA retries rather
        // than bounces, as it does on the 503 of a store that cannot write.
        return respond(store_write_failed(result.error(), "the message was not stored"));
      }
      const IngestResult& r = *result;
      if (metrics)
        metrics->tickets.inc({"email", r.ticket ? r.ticket->topic : "", r.ticket ? r.ticket->department : "",
                              r.duplicate_of ? "linked" : r.outcome});
      json::object body{{"outcome", r.outcome},
                        {"ticket", r.ticket ? json::value(ticket_to_json(*r.ticket)) : json::value(nullptr)},
                        {"reply_queued", r.reply_queued}};
      if (r.quarantine_id) body["quarantine_id"] = r.quarantine_id;
      if (!r.reason.empty()) body["reason"] = r.reason;
      if (!r.missing.empty()) body["missing"] = json::value_from(r.missing);
      if (r.outcome == "appended") body["released"] = r.released;
      if (r.duplicate_of) body["duplicate_of"] = *r.duplicate_of;
      unsigned status = 200;
      if (r.outcome == "created" || r.outcome == "needs_info") status = 201;
      if (r.outcome == "quarantined") status = 202;
      Response res = json_response(status, body);
      if (r.ticket) res.headers.set("Location", "/api/v1/tickets/" + std::to_string(r.ticket->id));
      if (r.reply_queued && poke) poke();
      respond(std::move(res));
    };
    // Parsing a big mail takes a while: off the HTTP threads, so web tickets keep flowing.
    auto work = [email = ctx_.email, raw = std::move(raw), mailbox = std::move(mailbox), done = std::move(done),
                 reprocess]() mutable { email->ingest(std::move(raw), std::move(mailbox), std::move(done), reprocess); };
    if (ctx_.offload) return ctx_.offload(std::move(work));
    work();
  }

  void list_quarantine(const std::map<std::string, std::string>& query) {
    std::string status;
    int limit = limits::kDefaultPageSize;
    for (const auto& [k, v] : query) {
      if (k == "status" && (v.empty() || v == "held" || v == "reprocessed")) status = v;
      else if (k == "status") return fail(bad_request("invalid status", {{"status", "invalid", "expected held or reprocessed"}}));
      else if (k == "limit" && parse_id(v) && *parse_id(v) >= 1 && *parse_id(v) <= limits::kMaxPageSize) limit = static_cast<int>(*parse_id(v));
      else if (k == "limit") return fail(bad_request("invalid limit", {{"limit", "invalid", "must be a whole number from 1 to " + std::to_string(limits::kMaxPageSize)}}));
      else return fail(bad_request("invalid query", {{k, "unknown", "unknown query parameter (expected status, limit)"}}));
    }
    auto entries = ctx_.store->quarantined(status, limit);
    if (!entries) return store_failed(entries.error());
    json::array list;
    for (const auto& q : *entries) list.push_back(quarantine_to_json(q));
    respond_(json_response(200, json::object{{"quarantine", std::move(list)}}));
  }

  void show_quarantine(std::int64_t id, bool raw) {
    auto entry = ctx_.store->get_quarantined(id);
    if (!entry) return store_failed(entry.error());
    if (!*entry) return fail(not_found("no quarantined message " + std::to_string(id)));
    if (raw) return bytes("message/rfc822", std::move((*entry)->raw), "attachment; filename=\"quarantine-" + std::to_string(id) + ".eml\"");
    respond_(json_response(200, quarantine_to_json(**entry)));
  }

  void reprocess(std::int64_t id) {
    if (ctx_.email == nullptr) return fail(service_unavailable("email ingest is not configured"));
    auto entry = ctx_.store->get_quarantined(id);
    if (!entry) return store_failed(entry.error());
    if (!*entry) return fail(not_found("no quarantined message " + std::to_string(id)));
    if ((*entry)->status != "held")
      return fail({409, "conflict", "Already reprocessed",
                   "quarantine entry " + std::to_string(id) + " was reprocessed into ticket " +
                       ((*entry)->ticket_id ? std::to_string(*(*entry)->ticket_id) : std::string("(none)")),
                   {}, {}});
    run_ingest(std::move((*entry)->raw), (*entry)->mailbox, id);
  }

  void raw_message(std::int64_t id) {
    auto raw = ctx_.store->raw_message(id);
    if (!raw) return store_failed(raw.error());
    if (!*raw) return fail(not_found("no raw message " + std::to_string(id)));
    bytes("message/rfc822", std::move(**raw), "attachment; filename=\"message-" + std::to_string(id) + ".eml\"");
  }

  void attachment(std::int64_t id) {
    auto a = ctx_.store->attachment(id);
    if (!a) return store_failed(a.error());
    if (!*a || (*a)->dropped) return fail(not_found("no attachment " + std::to_string(id) + " (or it was dropped for size)"));
    bytes((*a)->content_type.empty() ? "application/octet-stream" : (*a)->content_type, std::move((*a)->data),
          content_disposition((*a)->filename));
  }

  void show_quarantine_entry(std::int64_t id) { show_quarantine(id, false); }
  void show_quarantine_raw(std::int64_t id) { show_quarantine(id, true); }

  const ApiContext& ctx_;
  const Request& req_;
  const Api::Respond& respond_;
};

// A quarantine entry's "{id}" that is no number names nothing.
void with_quarantine_id(const Call& call, void (MailHandler::*endpoint)(std::int64_t)) {
  MailHandler handler(call);
  const auto id = parse_id(call.param);
  if (!id) return handler.fail(not_found("no resource at " + call.path));
  (handler.*endpoint)(*id);
}

}  // namespace

void post_email(const Call& call) { MailHandler(call).ingest(call.query, std::nullopt); }
// A message or attachment id that is no number is looked up as 0, which names none: 404.
void get_raw_message(const Call& call) { MailHandler(call).raw_message(parse_id(call.param).value_or(0)); }
void get_attachment(const Call& call) { MailHandler(call).attachment(parse_id(call.param).value_or(0)); }
void list_quarantine(const Call& call) { MailHandler(call).list_quarantine(call.query); }
void get_quarantined(const Call& call) { with_quarantine_id(call, &MailHandler::show_quarantine_entry); }
void get_quarantined_raw(const Call& call) { with_quarantine_id(call, &MailHandler::show_quarantine_raw); }
void post_reprocess(const Call& call) { with_quarantine_id(call, &MailHandler::reprocess); }

}  // namespace triaged::daemon
