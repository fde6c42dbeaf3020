#include "jobs/outbox_sender.h"

#include <curl/curl.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <optional>

#include "common/status_token.h"
#include "mail/message.h"

namespace triaged::daemon {
namespace {

struct Upload {
  const std::string* data;
  std::size_t offset = 0;
};

std::size_t read_upload(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* upload = static_cast<Upload*>(user);
  const std::size_t n = std::min(size * count, upload->data->size() - upload->offset);
  std::memcpy(buffer, upload->data->data() + upload->offset, n);
  upload->offset += n;
  return n;
}

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

}  // namespace

std::string send_smtp(const OutboxOptions& options, const std::string& to, const std::string& message) {
  static const bool initialised = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  if (!initialised) return "libcurl failed to initialise";
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) return "libcurl: cannot create a handle";
  std::unique_ptr<curl_slist, SlistDeleter> rcpt(curl_slist_append(nullptr, ("<" + to + ">").c_str()));
  Upload upload{&message};
  char error[CURL_ERROR_SIZE] = {};
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, options.smtp_url.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, ("<" + options.from_address + ">").c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt.get());
  curl_easy_setopt(c, CURLOPT_READFUNCTION, read_upload);
  curl_easy_setopt(c, CURLOPT_READDATA, &upload);
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.size()));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(options.timeout.count() * 1000));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  if (!options.smtp_user.empty()) {
    curl_easy_setopt(c, CURLOPT_USERNAME, options.smtp_user.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, options.smtp_password.c_str());
  }
  // STARTTLS when the relay offers it; smtps:// URLs are TLS from the start.
  curl_easy_setopt(c, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_TRY));
  const CURLcode rc = curl_easy_perform(c);
  if (rc == CURLE_OK) return "";
  return std::string(curl_easy_strerror(rc)) + (error[0] ? std::string(": ") + error : "");
}

OutboxSender::OutboxSender(storage::OutboxStore& store, OutboxOptions options)
    : store_(store), options_(std::move(options)), worker_(options_.poll_interval, [this] { deliver_due(); }) {}

OutboxSender::~OutboxSender() { stop(); }

void OutboxSender::start() {
  if (options_.smtp_url.empty()) {
    spdlog::warn("outbox: no SMTP relay configured (--smtp-url); automatic replies wait in the outbox");
    return;
  }
  worker_.start();
}

void OutboxSender::poke() { worker_.poke(); }

void OutboxSender::stop() { worker_.stop(); }

void OutboxSender::deliver_due() {
  const auto now = std::chrono::system_clock::now();
  auto due = store_.due_outbox(now, 50);
  if (!due) {
    spdlog::error("outbox: {}", due.error().message);
    return;
  }
  for (const auto& item : *due) {
    // An unreachable relay costs up to the timeout per mail: never make shutdown wait for
    // the rest of the batch. What is not sent stays due for the next start.
    if (worker_.stopping()) return;
    mail::OutgoingMessage out;
    out.from = {options_.from_name, options_.from_address};
    out.to = {item.mail.to_name, item.mail.to_address};
    out.subject = item.mail.subject;
    out.text = with_status_link(item.mail.text,
                                options_.status_link ? options_.status_link(item.ticket_id, item.ticket_ref) : "");
    out.message_id = item.mail.message_id;
    out.in_reply_to = item.mail.in_reply_to;
    out.references = item.mail.references;
    out.date = now;
    // RFC 3834: mark it automatic so well-behaved responders stay silent, ask Exchange not
    // to answer, and sign it so our own ingest recognises it if it ever comes back. A staff
    // reply is a person's answer: not "auto-replied", and the customer's vacation notice to
    // it is worth seeing; it keeps the loop header all the same.
    if (item.mail.purpose == "staff_reply")
      out.extra_headers = {{options_.loop_header, options_.loop_token}};
    else
      out.extra_headers = {{"Auto-Submitted", "auto-replied"},
                           {"X-Auto-Response-Suppress", "All"},
                           {options_.loop_header, options_.loop_token}};
    const std::string error = send_smtp(options_, item.mail.to_address, mail::compose_message(out));
    if (error.empty()) {
      if (auto r = store_.mark_sent(item.id, std::chrono::system_clock::now()); !r)
        spdlog::error("outbox {}: sent but not marked: {}", item.id, r.error().message);
      else
        spdlog::info("outbox {}: sent {} to {} for {}", item.id, item.mail.purpose, item.mail.to_address, item.ticket_ref);
      continue;
    }
    const int attempts = item.attempts + 1;
    std::optional<std::chrono::system_clock::time_point> next;
    if (attempts < options_.max_attempts)
      next = std::chrono::system_clock::now() + retry_delay(options_.retry_base, options_.retry_max, attempts);
    spdlog::warn("outbox {}: attempt {} to {} failed: {}{}", item.id, attempts, item.mail.to_address, error,
                 next ? "" : " (giving up)");
    if (auto r = store_.mark_attempt_failed(item.id, error, next); !r)
      spdlog::error("outbox {}: {}", item.id, r.error().message);
  }
}

}  // namespace triaged::daemon
