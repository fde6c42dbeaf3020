#include "jobs/webhook_sender.h"

#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <memory>
#include <optional>

namespace triaged::daemon {
namespace {

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

// The receiver's answer body is of no interest; reading it keeps the connection orderly.
std::size_t discard(char*, std::size_t size, std::size_t count, void*) { return size * count; }

}  // namespace

std::string hmac_sha256_hex(const std::string& key, const std::string& body) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(body.data()),
       body.size(), digest, &length);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0xF];
  }
  return out;
}

std::string post_webhook(const std::string& url, const std::string& body, const std::string& signature,
                         std::chrono::seconds timeout) {
  static const bool initialised = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  if (!initialised) return "libcurl failed to initialise";
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) return "libcurl: cannot create a handle";
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  headers = curl_slist_append(headers, (std::string(kSignatureHeader) + ": sha256=" + signature).c_str());
  headers = curl_slist_append(headers, "User-Agent: triaged");
  std::unique_ptr<curl_slist, SlistDeleter> owned(headers);
  char error[CURL_ERROR_SIZE] = {};
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count() * 1000));
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  // A redirect would re-send the signed body somewhere the rule never named.
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  const CURLcode rc = curl_easy_perform(c);
  if (rc != CURLE_OK) return std::string(curl_easy_strerror(rc)) + (error[0] ? std::string(": ") + error : "");
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  if (status < 200 || status > 299) return "HTTP " + std::to_string(status);
  return "";
}

WebhookSender::WebhookSender(storage::EscalationStore& store, WebhookOptions options)
    : store_(store), options_(std::move(options)), worker_(options_.poll_interval, [this] { deliver_due(); }) {}

WebhookSender::~WebhookSender() { stop(); }

void WebhookSender::start() { worker_.start(); }

void WebhookSender::poke() { worker_.poke(); }

void WebhookSender::stop() { worker_.stop(); }

void WebhookSender::deliver_due() {
  auto due = store_.due_webhooks(std::chrono::system_clock::now(), 50);
  if (!due) {
    spdlog::error("webhooks: {}", due.error().message);
    return;
  }
  for (const auto& item : *due) {
    if (worker_.stopping()) return;  // what is not sent stays due for the next start
    const std::string& env = item.call.secret_env.empty() ? options_.default_secret_env : item.call.secret_env;
    const char* secret = std::getenv(env.c_str());
    std::string error;
    if (secret == nullptr || *secret == '\0')
      error = "no signing secret: the environment variable " + env + " is not set";
    else
      error = post_webhook(item.call.url, item.call.body, hmac_sha256_hex(secret, item.call.body), options_.timeout);
    const auto now = std::chrono::system_clock::now();
    if (error.empty()) {
      if (auto r = store_.mark_webhook_sent(item.id, now); !r)
        spdlog::error("webhook {}: sent but not marked: {}", item.id, r.error().message);
      else
        spdlog::info("webhook {}: posted to {} for ticket {}", item.id, item.call.url, item.ticket_id);
      continue;
    }
    const int attempts = item.attempts + 1;
    std::optional<std::chrono::system_clock::time_point> next;
    if (attempts < options_.max_attempts) next = now + retry_delay(options_.retry_base, options_.retry_max, attempts);
    spdlog::warn("webhook {}: attempt {} to {} failed: {}{}", item.id, attempts, item.call.url, error,
                 next ? "" : " (giving up)");
    if (auto r = store_.mark_webhook_failed(item.id, error, next, now); !r)
      spdlog::error("webhook {}: {}", item.id, r.error().message);
  }
}

}  // namespace triaged::daemon
