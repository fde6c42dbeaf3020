// triagectl's HTTP client (libcurl): one blocking request to the daemon.
#pragma once

#include <chrono>
#include <string>

namespace triaged::cli {

struct HttpCall {
  std::string method = "GET";
  std::string url;                    // full URL, e.g. http://127.0.0.1:8080/api/v1/quarantine
  std::string body;
  std::string content_type;
  std::string api_key;                // sent as "Authorization: Bearer KEY" when set
  std::chrono::seconds timeout{60};
};

struct HttpReply {
  long status = 0;                    // 0: no HTTP answer at all (see error)
  std::string body;
  std::string error;                  // transport failure: refused, timed out, ...
  bool timed_out = false;
  long retry_after = 0;               // seconds, from a Retry-After header (429, 503); 0 if none
};

HttpReply http_call(const HttpCall& call);

// A query parameter value percent-encoded (curl_easy_escape).
std::string url_escape(const std::string& value);

// "http://host:port" + "/api/v1/x": exactly one slash between them.
std::string join_url(const std::string& base, const std::string& path);

}  // namespace triaged::cli
