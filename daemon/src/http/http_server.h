// The network side: an acceptor and one session per connection, Boost.Beast over Asio; the
// only place that speaks Beast (http_session.cpp turns its messages into message.h's and
// back; server_state.h is what the listener and the sessions share).
// Sessions read a request (bounded in size and time), hand it to Api, write the answer.
// Each session runs on its own strand; the listener runs on its own strand too.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <atomic>
#include <cstddef>
#include <expected>
#include <memory>
#include <optional>
#include <string>

#include "http/api.h"
#include "http/host_check.h"
#include "common/server_limits.h"

namespace triaged::daemon {

struct ServerOptions {
  std::size_t max_body = 0;        // bytes; larger bodies are answered 413
  std::size_t max_email_body = 0;  // the same for POST /api/v1/ingest/email (raw mail is bigger)
  std::chrono::seconds read_timeout = limits::kReadTimeout;  // per header block, and idle keep-alive
  std::size_t max_connections = limits::kDefaultMaxConnections;  // beyond: 503 and close at once
  // One client address's share (0: no limit); beyond it, 503 and close at once.
  std::size_t max_connections_per_client = limits::kDefaultMaxConnectionsPerClient;
  std::optional<HostPolicy> hosts;  // the Host names answered (421 otherwise); nullopt: any
};

class HttpServer {
 public:
  // Binds and listens on `endpoint`; a failure (address in use, no permission) is returned
  // as a message naming the address. Does not accept until start().
  static std::expected<std::unique_ptr<HttpServer>, std::string> bind(boost::asio::io_context& ioc,
                                                                      const boost::asio::ip::tcp::endpoint& endpoint,
                                                                      const Api& api, ServerOptions options);
  ~HttpServer();

  void start();
  // Stops accepting. Connections already open finish their current request.
  void stop_accepting();
  unsigned short port() const;
  // Requests read and not yet answered.
  int in_flight() const;

  struct State;

 private:
  explicit HttpServer(std::shared_ptr<State> state) : state_(std::move(state)) {}
  std::shared_ptr<State> state_;
};

}  // namespace triaged::daemon
