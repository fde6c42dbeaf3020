#include "http_client.h"

#include <catch2/catch.hpp>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include <cctype>
#include <thread>

namespace triaged::e2e {
namespace {

namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

bhttp::verb beast_verb(http::verb method) {
  switch (method) {
    case http::verb::delete_: return bhttp::verb::delete_;
    case http::verb::get: return bhttp::verb::get;
    case http::verb::head: return bhttp::verb::head;
    case http::verb::options: return bhttp::verb::options;
    case http::verb::patch: return bhttp::verb::patch;
    case http::verb::post: return bhttp::verb::post;
    case http::verb::put: return bhttp::verb::put;
  }
  return bhttp::verb::unknown;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bhttp::request<bhttp::string_body> make_request(http::verb method, const std::string& target, std::string body,
                                                const std::string& content_type, Headers headers, bool keep_alive) {
  bhttp::request<bhttp::string_body> req{beast_verb(method), target, 11};
  req.set(bhttp::field::host, "127.0.0.1");
  if (!content_type.empty()) req.set(bhttp::field::content_type, content_type);
  for (const auto& [name, value] : headers) req.set(name, value);
  req.keep_alive(keep_alive);
  req.body() = std::move(body);
  req.prepare_payload();
  return req;
}

Reply to_reply(const bhttp::response<bhttp::string_body>& res) {
  Reply reply;
  reply.status = res.result_int();
  for (const auto& field : res) reply.headers[lower(std::string(field.name_string()))] = std::string(field.value());
  reply.body = res.body();
  reply.keep_alive = res.keep_alive();
  return reply;
}

}  // namespace

std::string_view http::to_string(verb method) { return bhttp::to_string(beast_verb(method)); }

std::string Reply::header(std::string name) const {
  auto it = headers.find(lower(std::move(name)));
  return it == headers.end() ? "" : it->second;
}

// Every operation runs asynchronously on a private io_context under a tcp_stream deadline.
struct HttpConnection::Impl {
  net::io_context ioc;
  beast::tcp_stream stream{ioc};
  beast::flat_buffer buffer;
  beast::error_code last_error;

  void run() {
    ioc.restart();
    ioc.run();
  }
};

HttpConnection::HttpConnection(unsigned short port) : impl_(std::make_unique<Impl>()) {
  beast::error_code result = net::error::would_block;
  impl_->stream.expires_after(kTimeout);
  impl_->stream.async_connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port),
                              [&](beast::error_code ec) { result = ec; });
  impl_->run();
  if (result) FAIL("connect to 127.0.0.1:" << port << ": " << result.message());
}

HttpConnection::~HttpConnection() = default;

Reply HttpConnection::request(http::verb method, const std::string& target, std::string body,
                              const std::string& content_type, Headers headers, bool keep_alive) {
  auto req = make_request(method, target, std::move(body), content_type, headers, keep_alive);
  beast::error_code result = net::error::would_block;
  impl_->stream.expires_after(kTimeout);
  bhttp::async_write(impl_->stream, req, [&](beast::error_code ec, std::size_t) { result = ec; });
  impl_->run();
  if (result) FAIL("write " << http::to_string(method) << " " << target << ": " << result.message());
  auto reply = read_reply();
  if (!reply) FAIL("no answer to " << http::to_string(method) << " " << target << ": " << last_error());
  return *reply;
}

void HttpConnection::send_raw(const std::string& bytes) {
  beast::error_code result = net::error::would_block;
  impl_->stream.expires_after(kTimeout);
  net::async_write(impl_->stream, net::buffer(bytes), [&](beast::error_code ec, std::size_t) { result = ec; });
  impl_->run();
  if (result) FAIL("raw write: " << result.message());
}

std::optional<Reply> HttpConnection::read_reply() {
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(16 * 1024 * 1024);
  beast::error_code result = net::error::would_block;
  impl_->stream.expires_after(kTimeout);
  bhttp::async_read(impl_->stream, impl_->buffer, parser, [&](beast::error_code ec, std::size_t) { result = ec; });
  impl_->run();
  impl_->last_error = result;
  if (result) return std::nullopt;
  return to_reply(parser.get());
}

bool HttpConnection::closed_by_peer() {
  char byte;
  beast::error_code result = net::error::would_block;
  impl_->stream.expires_after(kTimeout);
  impl_->stream.async_read_some(net::buffer(&byte, 1), [&](beast::error_code ec, std::size_t) { result = ec; });
  impl_->run();
  impl_->last_error = result;
  return result == net::error::eof || result == net::error::connection_reset;
}

std::string HttpConnection::last_error() const { return impl_->last_error.message(); }

// Plain synchronous Beast with error codes.
struct QuietConnection::Impl {
  net::io_context ioc;
  beast::tcp_stream stream{ioc};
  beast::flat_buffer buffer;
  beast::error_code ec;
};

QuietConnection::QuietConnection(unsigned short port) : impl_(std::make_unique<Impl>()) {
  impl_->stream.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port), impl_->ec);
}

QuietConnection::~QuietConnection() = default;

std::optional<Reply> QuietConnection::request(http::verb method, const std::string& target, std::string body,
                                              const std::string& content_type) {
  if (impl_->ec) return std::nullopt;
  auto req = make_request(method, target, std::move(body), content_type, {}, true);
  bhttp::write(impl_->stream, req, impl_->ec);
  if (impl_->ec) return std::nullopt;
  bhttp::response<bhttp::string_body> res;
  bhttp::read(impl_->stream, impl_->buffer, res, impl_->ec);
  if (impl_->ec) return std::nullopt;
  return to_reply(res);
}

Reply http_request(unsigned short port, http::verb method, const std::string& target, std::string body,
                   const std::string& content_type, Headers headers) {
  HttpConnection connection(port);
  return connection.request(method, target, std::move(body), content_type, headers, false);
}

Reply http_get(unsigned short port, const std::string& target) { return http_request(port, http::verb::get, target); }

Reply http_post_json(unsigned short port, const std::string& target, std::string body, Headers headers) {
  return http_request(port, http::verb::post, target, std::move(body), "application/json", headers);
}

boost::json::object json_of(const Reply& reply) {
  INFO(reply.body);
  boost::system::error_code ec;
  auto v = boost::json::parse(reply.body, ec);
  REQUIRE_FALSE(ec);
  REQUIRE(v.is_object());
  return v.as_object();
}

struct SilentListener::Impl {
  net::io_context ioc;
  tcp::acceptor acceptor{ioc, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0)};
};

SilentListener::SilentListener() : impl_(std::make_unique<Impl>()) {}
SilentListener::~SilentListener() = default;
unsigned short SilentListener::port() const { return impl_->acceptor.local_endpoint().port(); }

struct OneShotHttpServer::Impl {
  net::io_context ioc;
  tcp::acceptor acceptor{ioc, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0)};
  std::thread thread;
};

OneShotHttpServer::OneShotHttpServer(std::string answer) : impl_(std::make_unique<Impl>()) {
  impl_->thread = std::thread([impl = impl_.get(), answer = std::move(answer)] {
    tcp::socket s(impl->ioc);
    boost::system::error_code ec;
    impl->acceptor.accept(s, ec);
    if (ec) return;
    net::streambuf buf;
    net::read_until(s, buf, "\r\n\r\n", ec);
    net::write(s, net::buffer(answer), ec);
  });
}

OneShotHttpServer::~OneShotHttpServer() { join(); }
unsigned short OneShotHttpServer::port() const { return impl_->acceptor.local_endpoint().port(); }
void OneShotHttpServer::join() {
  if (impl_->thread.joinable()) impl_->thread.join();
}

}  // namespace triaged::e2e
