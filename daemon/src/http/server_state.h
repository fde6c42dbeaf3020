// The HTTP server's inside, shared by its two files: http_server.cpp (the listener: accept,
// the connection caps, bind) and http_session.cpp (one connection's requests, read bounded
// in size and time, handed to Api, answered). Beast's and Asio's types appear here, so these
// three files are the only ones of daemon/ that include Beast (tests/structure/check_rooms.py).
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <cstddef>
#include <memory>
#include <string>

#include "http/client_limits.h"
#include "http/http_server.h"
#include "http/message.h"

namespace triaged::daemon {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using WireResponse = http::response<http::string_body>;

struct HttpServer::State : std::enable_shared_from_this<HttpServer::State> {
  State(net::io_context& ioc, const Api& api, ServerOptions options)
      : ioc(ioc), acceptor(net::make_strand(ioc)), retry(acceptor.get_executor()), api(api), options(options),
        clients(options.max_connections_per_client) {}

  void do_accept();
  void on_accept(beast::error_code ec, tcp::socket socket);
  void turn_away(tcp::socket& socket);

  net::io_context& ioc;
  tcp::acceptor acceptor;
  net::steady_timer retry;
  const Api& api;
  const ServerOptions options;
  std::atomic<int> in_flight{0};
  std::atomic<std::size_t> connections{0};  // Sessions alive; each holds one socket
  std::atomic<std::size_t> probes{0};       // of them, on the reserve for /healthz and /readyz
  ClientLimits clients;                     // connections by client address
  bool turning_away = false;                // on the acceptor's strand: at the limit, warned once
};

// The API's response as Beast writes it, in the request's HTTP version; Content-Length and
// Connection are set here, for every answer alike.
WireResponse to_wire(Response&& res, unsigned version, bool keep_alive);

// 503 with Retry-After, closing: the answer of a full house.
Response busy_response();

// Serves the connection on `socket` until it closes. `client` holds a slot of server->clients
// that the session gives back; a `probe_only` session (a reserve slot past max_connections)
// answers only /healthz and /readyz.
void start_session(tcp::socket&& socket, std::shared_ptr<HttpServer::State> server, std::string client,
                   bool probe_only);

}  // namespace triaged::daemon
