// A tiny synchronous HTTP/1.1 client for the end-to-end tests. Every operation runs under a
// deadline, so a daemon that never answers fails the test after kTimeout instead of hanging
// it. Compiled once (http_client.cpp, over Boost.Beast) into test_support: this header names
// no Asio or Beast type, so a test file that includes it parses neither.
#pragma once

#include <boost/json/object.hpp>

#include <chrono>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace triaged::e2e {

namespace http {
// The request methods the tests send.
enum class verb { delete_, get, head, options, patch, post, put };
std::string_view to_string(verb method);
}  // namespace http

struct Reply {
  unsigned status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  bool keep_alive = false;

  // The value of header `name` (any case); "" when absent.
  std::string header(std::string name) const;
};

using Headers = std::initializer_list<std::pair<std::string, std::string>>;

// One keep-alive connection to 127.0.0.1. Fails the test (Catch's FAIL) on a connect error,
// so it belongs to the test's own thread.
class HttpConnection {
 public:
  static constexpr std::chrono::seconds kTimeout{5};

  explicit HttpConnection(unsigned short port);
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  // Sends one request and reads its answer; fails the test on any I/O error or timeout.
  Reply request(http::verb method, const std::string& target, std::string body = "",
                const std::string& content_type = "", Headers headers = {}, bool keep_alive = true);
  Reply get(const std::string& target) { return request(http::verb::get, target); }
  Reply post_json(const std::string& target, std::string body, Headers headers = {}) {
    return request(http::verb::post, target, std::move(body), "application/json", headers);
  }

  // Writes raw bytes, for requests no well-behaved client would send.
  void send_raw(const std::string& bytes);

  // The next answer, or nullopt with last_error() set (timeout, closed by the peer, ...).
  std::optional<Reply> read_reply();

  // True if the peer closed the connection: a read ends with end of stream (or a reset)
  // before kTimeout instead of timing out.
  bool closed_by_peer();

  std::string last_error() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A keep-alive client for threads other than the test's: Catch's assertions must not run
// there, so nothing here asserts. An I/O error (the daemon closing the connection is the
// expected one) ends the connection, and every later request answers nullopt.
class QuietConnection {
 public:
  explicit QuietConnection(unsigned short port);
  ~QuietConnection();
  QuietConnection(const QuietConnection&) = delete;
  QuietConnection& operator=(const QuietConnection&) = delete;

  std::optional<Reply> request(http::verb method, const std::string& target, std::string body = "",
                               const std::string& content_type = "");

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// One request on a fresh connection.
Reply http_request(unsigned short port, http::verb method, const std::string& target, std::string body = "",
                   const std::string& content_type = "", Headers headers = {});
Reply http_get(unsigned short port, const std::string& target);
Reply http_post_json(unsigned short port, const std::string& target, std::string body, Headers headers = {});

// The reply's body as a JSON object; fails the test if it is not one.
boost::json::object json_of(const Reply& reply);

// A TCP port on 127.0.0.1 that is listened on but never accepted from: a busy port, or a
// server that never answers. Closed on destruction.
class SilentListener {
 public:
  SilentListener();
  ~SilentListener();
  SilentListener(const SilentListener&) = delete;
  SilentListener& operator=(const SilentListener&) = delete;
  unsigned short port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A fake HTTP server on 127.0.0.1: accepts one connection, reads the request's header block
// and writes `answer` (raw bytes: status line, headers, body) back. join() waits for that.
class OneShotHttpServer {
 public:
  explicit OneShotHttpServer(std::string answer);
  ~OneShotHttpServer();
  OneShotHttpServer(const OneShotHttpServer&) = delete;
  OneShotHttpServer& operator=(const OneShotHttpServer&) = delete;
  unsigned short port() const;
  void join();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace triaged::e2e
