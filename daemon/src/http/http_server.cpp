// The listener (server_state.h): accept on its own strand, admit each connection against
// the connection caps (client_limits.h) or turn it away with a 503, start its session.
#include "http/http_server.h"

#include <spdlog/spdlog.h>

#include <sstream>

#include "http/server_state.h"

namespace triaged::daemon {
namespace {

// The client's address as the per-client limit counts it: an IPv4 client on a dual-stack
// socket (::ffff:a.b.c.d) is the IPv4 address.
std::string client_address(const net::ip::address& address) {
  if (address.is_v6() && address.to_v6().is_v4_mapped())
    return net::ip::make_address_v4(net::ip::v4_mapped, address.to_v6()).to_string();
  return address.to_string();
}

}  // namespace

void HttpServer::State::do_accept() {
  acceptor.async_accept(net::make_strand(ioc), beast::bind_front_handler(&State::on_accept, shared_from_this()));
}

void HttpServer::State::on_accept(beast::error_code ec, tcp::socket socket) {
  if (ec == net::error::operation_aborted || !acceptor.is_open()) return;
  if (ec) {
    // Out of descriptors and the like: back off instead of spinning on the same error.
    spdlog::warn("accept: {}", ec.message());
    retry.expires_after(std::chrono::milliseconds(100));
    retry.async_wait([self = shared_from_this()](beast::error_code wait_ec) {
      if (!wait_ec) self->do_accept();
    });
    return;
  }
  beast::error_code endpoint_ec;
  const auto endpoint = socket.remote_endpoint(endpoint_ec);
  std::string address = endpoint_ec ? "?" : client_address(endpoint.address());
  switch (clients.admit(address, connections.load(), probes.load(), options.max_connections)) {
    case Admission::turn_away:
      turn_away(socket);
      break;
    case Admission::probe_only:
      start_session(std::move(socket), shared_from_this(), std::move(address), true);
      break;
    case Admission::session:
      turning_away = false;
      start_session(std::move(socket), shared_from_this(), std::move(address), false);
  }
  do_accept();
}

// At the connection limit: a 503 the client can act on, written without waiting (a fresh
// socket's send buffer takes it whole), then close. No Session, so no descriptor is held.
void HttpServer::State::turn_away(tcp::socket& socket) {
  static const std::string kBusy = [] {
    Response res = busy_response();
    std::ostringstream out;
    out << to_wire(std::move(res), 11, false);
    return out.str();
  }();
  if (!turning_away)
    spdlog::warn("accept: {} connections open (--max-connections {}, --max-connections-per-client {}); answering 503",
                 connections.load(), options.max_connections, options.max_connections_per_client);
  turning_away = true;
  beast::error_code ec;
  socket.non_blocking(true, ec);
  socket.write_some(net::buffer(kBusy), ec);
  // Read what the client already sent: closing with unread bytes would reset the connection,
  // and a reset may reach the client before it has read the 503.
  char sink[4096];
  for (int i = 0; i < 16 && !ec; ++i) socket.read_some(net::buffer(sink), ec);
  socket.shutdown(tcp::socket::shutdown_both, ec);
  socket.close(ec);
}

std::expected<std::unique_ptr<HttpServer>, std::string> HttpServer::bind(net::io_context& ioc,
                                                                         const tcp::endpoint& endpoint, const Api& api,
                                                                         ServerOptions options) {
  auto state = std::make_shared<State>(ioc, api, options);
  beast::error_code ec;
  const std::string where = endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
  state->acceptor.open(endpoint.protocol(), ec);
  if (!ec) state->acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) state->acceptor.bind(endpoint, ec);
  if (!ec) state->acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return std::unexpected("cannot listen on " + where + ": " + ec.message());
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(state)));
}

HttpServer::~HttpServer() = default;

void HttpServer::start() {
  net::dispatch(state_->acceptor.get_executor(), [s = state_] { s->do_accept(); });
}

void HttpServer::stop_accepting() {
  net::dispatch(state_->acceptor.get_executor(), [s = state_] {
    beast::error_code ec;
    s->acceptor.close(ec);
    s->retry.cancel();
  });
}

unsigned short HttpServer::port() const {
  beast::error_code ec;
  return state_->acceptor.local_endpoint(ec).port();
}

int HttpServer::in_flight() const { return state_->in_flight.load(); }

}  // namespace triaged::daemon
