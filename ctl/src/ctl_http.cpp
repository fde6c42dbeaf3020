#include "ctl_http.h"

#include <curl/curl.h>

#include <memory>

namespace triaged::cli {
namespace {

std::size_t collect(char* data, std::size_t size, std::size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

}  // namespace

HttpReply http_call(const HttpCall& call) {
  HttpReply reply;
  static const bool initialised = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(initialised ? curl_easy_init() : nullptr,
                                                           &curl_easy_cleanup);
  if (!curl) {
    reply.error = "libcurl failed to initialise";
    return reply;
  }
  curl_slist* headers = nullptr;
  if (!call.content_type.empty()) headers = curl_slist_append(headers, ("Content-Type: " + call.content_type).c_str());
  if (!call.api_key.empty()) headers = curl_slist_append(headers, ("Authorization: Bearer " + call.api_key).c_str());
  // curl asks "Expect: 100-continue" before a large body; the daemon answers at once, so a
  // message it refuses for size is refused before the upload, not by a reset during it.
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> header_list(headers, &curl_slist_free_all);
  char error[CURL_ERROR_SIZE] = {};
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, call.url.c_str());
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, call.method.c_str());
  if (call.method == "POST" || !call.body.empty()) {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, call.body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(call.body.size()));
  }
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, header_list.get());
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &reply.body);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(call.timeout.count() * 1000));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(std::min<long long>(call.timeout.count(), 10) * 1000));
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  const CURLcode rc = curl_easy_perform(c);
  if (rc != CURLE_OK) {
    reply.timed_out = rc == CURLE_OPERATION_TIMEDOUT;
    reply.error = std::string(curl_easy_strerror(rc)) + (error[0] ? std::string(": ") + error : "");
    return reply;
  }
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply.status);
  curl_off_t retry_after = 0;
  if (curl_easy_getinfo(c, CURLINFO_RETRY_AFTER, &retry_after) == CURLE_OK) reply.retry_after = static_cast<long>(retry_after);
  return reply;
}

std::string url_escape(const std::string& value) {
  char* escaped = curl_easy_escape(nullptr, value.data(), static_cast<int>(value.size()));
  if (escaped == nullptr) return {};
  std::string out(escaped);
  curl_free(escaped);
  return out;
}

std::string join_url(const std::string& base, const std::string& path) {
  std::string out = base;
  while (!out.empty() && out.back() == '/') out.pop_back();
  return out + (path.starts_with('/') ? path : "/" + path);
}

}  // namespace triaged::cli
