#include "ctl_mailgate.h"

#include <sysexits.h>

#include <boost/json.hpp>

#include "ctl_http.h"

namespace triaged::cli {
namespace {

// The daemon's own words, for the MTA's log: the problem's detail or the outcome.
std::string summary(const std::string& body) {
  boost::system::error_code ec;
  auto v = boost::json::parse(body, ec);
  if (ec || !v.is_object()) return body.substr(0, 200);
  const auto& o = v.as_object();
  std::string out;
  for (const char* key : {"outcome", "title", "detail", "reason"}) {
    if (auto* f = o.if_contains(key); f && f->is_string()) out += (out.empty() ? "" : ": ") + std::string(f->as_string());
  }
  if (auto* t = o.if_contains("ticket"); t && t->is_object())
    if (auto* ref = t->as_object().if_contains("ref"); ref && ref->is_string())
      out += " " + std::string(ref->as_string());
  return out;
}

}  // namespace

HttpReply post_mail(const MailgateOptions& options, std::string message) {
  HttpCall call;
  call.method = "POST";
  call.url = join_url(options.url, "/api/v1/ingest/email");
  if (!options.mailbox.empty()) call.url += "?mailbox=" + url_escape(options.mailbox);
  call.body = std::move(message);
  call.content_type = "message/rfc822";
  call.api_key = options.api_key;
  call.timeout = options.timeout;
  return http_call(call);
}

int run_mailgate(const MailgateOptions& options, std::FILE* in) {
  std::string message;
  char buffer[65536];
  for (;;) {
    const std::size_t n = std::fread(buffer, 1, sizeof buffer, in);
    message.append(buffer, n);
    if (message.size() > options.max_bytes) {
      std::fprintf(stderr, "mailgate: message larger than %zu bytes\n", options.max_bytes);
      return EX_DATAERR;
    }
    if (n < sizeof buffer) break;
  }
  if (std::ferror(in)) {
    std::fprintf(stderr, "mailgate: cannot read the message from stdin\n");
    return EX_TEMPFAIL;
  }
  if (message.empty()) {
    std::fprintf(stderr, "mailgate: empty message on stdin\n");
    return EX_NOINPUT;
  }
  const HttpReply reply = post_mail(options, std::move(message));
  if (reply.status == 0) {
    std::fprintf(stderr, "mailgate: %s: %s; the MTA should retry later\n", options.url.c_str(), reply.error.c_str());
    return EX_TEMPFAIL;
  }
  if (reply.status >= 200 && reply.status < 300) {
    if (!options.quiet) std::printf("mailgate: %s\n", summary(reply.body).c_str());
    return EX_OK;
  }
  std::fprintf(stderr, "mailgate: HTTP %ld from %s: %s\n", reply.status, options.url.c_str(), summary(reply.body).c_str());
  // Only a verdict on the message itself may bounce it. Everything else (5xx, overload,
  // a wrong key or URL) is the operator's to fix, and the mail must wait for that, not vanish.
  if (reply.status == 413 || reply.status == 415) return EX_DATAERR;
  return EX_TEMPFAIL;
}

}  // namespace triaged::cli
