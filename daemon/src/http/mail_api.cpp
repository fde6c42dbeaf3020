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

// "/api/v1/quarantine/12/raw" with prefix "/api/v1/quarantine" -> {"12", "raw"}.
std::vector<std::string> segments_after(const std::string& path, const std::string& prefix) {
  std::vector<std::string> out;
  if (!path.starts_with(prefix) || path.size() <= prefix.size() || path[prefix.size()] != '/') return out;
  std::size_t start = prefix.size() + 1;
  for (;;) {
    const auto slash = path.find('/', start);
    out.push_back(path.substr(start, slash - start));
    if (slash == std::string::npos) return out;
    start = slash + 1;
  }
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
  MailHandler(const ApiContext& ctx, const Request& req, const Api::Respond& respond)
      : ctx_(ctx), req_(req), respond_(respond) {}

  bool route(const std::string& path, const std::map<std::string, std::string>& query) {
    const auto m = req_.method();
    if (path == "/api/v1/ingest/email") return only(http::verb::post, [&] { ingest(query, std::nullopt); });
    if (path == "/api/v1/quarantine") return only(http::verb::get, [&] { list_quarantine(query); });
    if (auto s = segments_after(path, "/api/v1/quarantine"); !s.empty()) {
      auto id = parse_id(s[0]);
      if (!id || s.size() > 2) return fail(not_found("no resource at " + path)), true;
      if (s.size() == 1) return only(http::verb::get, [&] { show_quarantine(*id, false); });
      if (s[1] == "raw") return only(http::verb::get, [&] { show_quarantine(*id, true); });
      if (s[1] == "reprocess") return only(http::verb::post, [&] { reprocess(*id); });
      return fail(not_found("no resource at " + path)), true;
    }
    if (auto s = segments_after(path, "/api/v1/messages"); s.size() == 2 && s[1] == "raw") {
      auto id = parse_id(s[0]);
      return only(http::verb::get, [&] { raw_message(id.value_or(0)); });
    }
    if (auto s = segments_after(path, "/api/v1/attachments"); s.size() == 1) {
      auto id = parse_id(s[0]);
      return only(http::verb::get, [&] { attachment(id.value_or(0)); });
    }
    (void)m;
    return false;
  }

 private:
  template <typename F>
  bool only(http::verb allowed, F&& f) {
    if (req_.method() != allowed) respond_(not_allowed_response(allowed == http::verb::get ? "GET" : "POST", req_));
    else f();
    return true;
  }
  void fail(const Problem& p) { respond_(problem_response(p, req_)); }
  void store_failed(const storage::StoreError& e) { respond_(store_read_failed(e, req_)); }
  void bytes(const std::string& content_type, std::string body, const std::string& disposition) {
    Response res{http::status::ok, req_.version()};
    res.set(http::field::content_type, content_type);
    res.set(http::field::cache_control, "no-store");
    // Mail content is hostile by default: never let a browser sniff it into HTML.
    res.set("X-Content-Type-Options", "nosniff");
    if (!disposition.empty()) res.set(http::field::content_disposition, disposition);
    res.keep_alive(req_.keep_alive());
    res.body() = std::move(body);
    res.prepare_payload();
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
    if (req_.body().empty())
      return fail(bad_request("empty message", {{"body", "missing", "the request body must be one RFC 5322 message"}}));
    run_ingest(req_.body(), mailbox, reprocess);
  }

  void run_ingest(std::string raw, std::string mailbox, std::optional<std::int64_t> reprocess) {
    EmailIngest::Done done = [req = Request(req_.method(), req_.target(), req_.version()), keep_alive = req_.keep_alive(),
                              respond = respond_, poke = ctx_.mail_queued,
                              metrics = ctx_.metrics](auto result) mutable {
      req.keep_alive(keep_alive);
      if (!result) {
        // Code::bad_request here means ingest asked for something impossible (a ticket that
        // vanished): our fault, not the message's, so it is a 500 and the MTA retries rather
        // than bounces, as it does on the 503 of a store that cannot write.
        return respond(store_write_failed(result.error(), req, "the message was not stored"));
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
      http::status status = http::status::ok;
      if (r.outcome == "created" || r.outcome == "needs_info") status = http::status::created;
      if (r.outcome == "quarantined") status = http::status::accepted;
      Response res = json_response(status, body, req);
      if (r.ticket) res.set(http::field::location, "/api/v1/tickets/" + std::to_string(r.ticket->id));
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
    respond_(json_response(http::status::ok, json::object{{"quarantine", std::move(list)}}, req_));
  }

  void show_quarantine(std::int64_t id, bool raw) {
    auto entry = ctx_.store->get_quarantined(id);
    if (!entry) return store_failed(entry.error());
    if (!*entry) return fail(not_found("no quarantined message " + std::to_string(id)));
    if (raw) return bytes("message/rfc822", std::move((*entry)->raw), "attachment; filename=\"quarantine-" + std::to_string(id) + ".eml\"");
    respond_(json_response(http::status::ok, quarantine_to_json(**entry), req_));
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

  const ApiContext& ctx_;
  const Request& req_;
  const Api::Respond& respond_;
};

}  // namespace

bool handle_mail_request(const ApiContext& ctx, const Request& req, const std::string& path,
                         const std::map<std::string, std::string>& query, const Api::Respond& respond) {
  return MailHandler(ctx, req, respond).route(path, query);
}

}  // namespace triaged::daemon
