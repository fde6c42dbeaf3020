// A tiny synchronous HTTP/1.1 client for the end-to-end tests, over Boost.Beast. Every
// operation runs asynchronously on a private io_context under a tcp_stream deadline, so a
// daemon that never answers fails the test after kTimeout instead of hanging it.
#pragma once

#include <catch2/catch.hpp>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include <cctype>
#include <chrono>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <utility>

namespace triaged::e2e {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

struct Reply {
  unsigned status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  bool keep_alive = false;

  std::string header(std::string name) const {
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

using Headers = std::initializer_list<std::pair<std::string, std::string>>;

class HttpConnection {
 public:
  static constexpr std::chrono::seconds kTimeout{5};

  explicit HttpConnection(unsigned short port) : stream_(ioc_) {
    beast::error_code result = net::error::would_block;
    stream_.expires_after(kTimeout);
    stream_.async_connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port),
                          [&](beast::error_code ec) { result = ec; });
    run();
    if (result) FAIL("connect to 127.0.0.1:" << port << ": " << result.message());
  }

  // Sends one request and reads its answer; fails the test on any I/O error or timeout.
  Reply request(http::verb method, const std::string& target, std::string body = "",
                const std::string& content_type = "", Headers headers = {}, bool keep_alive = true) {
    http::request<http::string_body> req{method, target, 11};
    req.set(http::field::host, "127.0.0.1");
    if (!content_type.empty()) req.set(http::field::content_type, content_type);
    for (const auto& [name, value] : headers) req.set(name, value);
    req.keep_alive(keep_alive);
    req.body() = std::move(body);
    req.prepare_payload();

    beast::error_code result = net::error::would_block;
    stream_.expires_after(kTimeout);
    http::async_write(stream_, req, [&](beast::error_code ec, std::size_t) { result = ec; });
    run();
    if (result) FAIL("write " << method << " " << target << ": " << result.message());
    auto reply = read_reply();
    if (!reply) FAIL("no answer to " << method << " " << target << ": " << last_error_.message());
    return *reply;
  }

  Reply get(const std::string& target) { return request(http::verb::get, target); }
  Reply post_json(const std::string& target, std::string body, Headers headers = {}) {
    return request(http::verb::post, target, std::move(body), "application/json", headers);
  }

  // Writes raw bytes, for requests no well-behaved client would send.
  void send_raw(const std::string& bytes) {
    beast::error_code result = net::error::would_block;
    stream_.expires_after(kTimeout);
    net::async_write(stream_, net::buffer(bytes), [&](beast::error_code ec, std::size_t) { result = ec; });
    run();
    if (result) FAIL("raw write: " << result.message());
  }

  // The next answer, or nullopt with last_error() set (timeout, closed by the peer, ...).
  std::optional<Reply> read_reply() {
    http::response_parser<http::string_body> parser;
    parser.body_limit(16 * 1024 * 1024);
    beast::error_code result = net::error::would_block;
    stream_.expires_after(kTimeout);
    http::async_read(stream_, buffer_, parser, [&](beast::error_code ec, std::size_t) { result = ec; });
    run();
    last_error_ = result;
    if (result) return std::nullopt;
    const auto& res = parser.get();
    Reply reply;
    reply.status = res.result_int();
    for (const auto& field : res) {
      std::string name(field.name_string());
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      reply.headers[name] = std::string(field.value());
    }
    reply.body = res.body();
    reply.keep_alive = res.keep_alive();
    return reply;
  }

  // True if the peer closed the connection: a read ends with end of stream (or a reset)
  // before kTimeout instead of timing out.
  bool closed_by_peer() {
    char byte;
    beast::error_code result = net::error::would_block;
    stream_.expires_after(kTimeout);
    stream_.async_read_some(net::buffer(&byte, 1), [&](beast::error_code ec, std::size_t) { result = ec; });
    run();
    last_error_ = result;
    return result == net::error::eof || result == net::error::connection_reset;
  }

  beast::error_code last_error() const { return last_error_; }

 private:
  void run() {
    ioc_.restart();
    ioc_.run();
  }

  net::io_context ioc_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  beast::error_code last_error_;
};

// One request on a fresh connection.
inline Reply http_request(unsigned short port, http::verb method, const std::string& target, std::string body = "",
                          const std::string& content_type = "", Headers headers = {}) {
  HttpConnection connection(port);
  return connection.request(method, target, std::move(body), content_type, headers, false);
}

inline Reply http_get(unsigned short port, const std::string& target) {
  return http_request(port, http::verb::get, target);
}

inline Reply http_post_json(unsigned short port, const std::string& target, std::string body, Headers headers = {}) {
  return http_request(port, http::verb::post, target, std::move(body), "application/json", headers);
}

// The reply's body as a JSON object; fails the test if it is not one.
inline boost::json::object json_of(const Reply& reply) {
  INFO(reply.body);
  boost::system::error_code ec;
  auto v = boost::json::parse(reply.body, ec);
  REQUIRE_FALSE(ec);
  REQUIRE(v.is_object());
  return v.as_object();
}

}  // namespace triaged::e2e
