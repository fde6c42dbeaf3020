// One connection's requests (server_state.h): read a header block (checked for obs-fold,
// field counts, framing, Host), pick the body limit from the route table, read the body,
// hand the plain Request to Api, write its Response back in the request's HTTP version.
#include <spdlog/spdlog.h>

#include <iterator>
#include <optional>

#include "http/http_responses.h"
#include "http/routes.h"
#include "http/server_state.h"
#include "http/strict_headers.h"
#include "common/problem.h"
#include "common/server_limits.h"

namespace triaged::daemon {
namespace {

using WireRequest = http::request<http::string_body>;

// Beast's request as the API sees it (message.h). A method Beast does not know is "other".
Request from_wire(WireRequest&& wire) {
  Request req;
  req.method = wire.method() == http::verb::unknown ? "other" : std::string(wire.method_string());
  req.target = std::string(wire.target());
  for (const auto& field : wire) req.headers.add(field.name_string(), std::string(field.value()));
  req.keep_alive = wire.keep_alive();
  req.body = std::move(wire.body());
  return req;
}

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, std::shared_ptr<HttpServer::State> server, std::string client, bool probe_only)
      : stream_(std::move(socket)), server_(std::move(server)), address_(std::move(client)), probe_only_(probe_only) {
    ++server_->connections;
    if (probe_only_) ++server_->probes;
    beast::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    peer_ = ec ? "?" : ep.address().to_string() + ":" + std::to_string(ep.port());
    // An IPv4 client on a dual-stack socket shows as ::ffff:127.0.0.1; that is loopback too.
    const auto address = ep.address();
    loopback_ = !ec && (address.is_loopback() ||
                        (address.is_v6() && address.to_v6().is_v4_mapped() &&
                         boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, address.to_v6()).is_loopback()));
  }

  ~Session() {
    --server_->connections;
    if (probe_only_) --server_->probes;
    server_->clients.release(address_);
  }

  void run() { net::dispatch(stream_.get_executor(), beast::bind_front_handler(&Session::do_read, shared_from_this())); }

 private:
  void do_read() {
    // A fresh parser per request: a parser cannot be reused, and its limits must be set anew.
    parser_.emplace();
    // Beast checks a Content-Length against the limit while finishing the header, before
    // on_header can pick the route's limit: start with the largest, narrow it there.
    parser_->body_limit(std::max(server_->options.max_body, server_->options.max_email_body));
    parser_->header_limit(static_cast<std::uint32_t>(limits::kMaxHeaderBytes));
    // One deadline for the whole header block, not per read: a byte a second must not keep it open.
    stream_.expires_after(probe_only_ ? std::min<std::chrono::seconds>(server_->options.read_timeout, kProbeReadTimeout)
                                      : server_->options.read_timeout);
    read_header_block();
  }

  // issue 17: the raw header block is checked for obs-fold (strict_headers.h) before Beast
  // parses it, which would join the lines. Incomplete and within the limit: read on.
  void read_header_block() {
    const std::string_view seen(static_cast<const char*>(buffer_.data().data()), buffer_.size());
    if (auto end = header_block_end(seen)) {
      if (auto folded = check_obs_fold(seen.substr(0, *end))) return refuse(*folded);
    } else if (seen.size() <= limits::kMaxHeaderBytes) {
      return stream_.async_read_some(buffer_.prepare(4096), [self = shared_from_this()](beast::error_code ec, std::size_t n) {
        self->buffer_.commit(n);
        // The client closed: between requests that ends the connection, within one it is half a request.
        if (ec == net::error::eof)
          return self->on_read(self->buffer_.size() == 0 ? http::error::end_of_stream : http::error::partial_message, n);
        if (ec) return self->on_read(ec, n);
        self->read_header_block();
      });
    }
    parse_header();
  }

  void parse_header() {
    // The header first: which limit applies to the body depends on where it goes. Pass the
    // parser itself: the overloads taking parser_->get() build their own and drop the limits.
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&Session::on_header, shared_from_this()));
  }

  void on_header(beast::error_code ec, std::size_t bytes) {
    body_limit_ = body_size(api_routes(), parser_->get().method_string(), parser_->get().target()) == BodySize::mail
                      ? server_->options.max_email_body
                      : server_->options.max_body;
    if (ec) return on_read(ec, bytes);
    const auto& fields = parser_->get();
    if (static_cast<std::size_t>(std::distance(fields.begin(), fields.end())) > limits::kMaxHeaderFields)
      return do_write(error_response(431, "more than " + std::to_string(limits::kMaxHeaderFields) + " header fields"));
    // Request smuggling: a proxy in front must never frame a request differently than we do.
    // Beast refuses two different lengths and a length with chunked; refuse every other
    // Transfer-Encoding too (a list, a coding we do not decode, one next to a length).
    if (fields.count(http::field::transfer_encoding) > 0 &&
        (fields.count(http::field::transfer_encoding) > 1 || fields.count(http::field::content_length) > 0 ||
         !beast::iequals(fields[http::field::transfer_encoding], "chunked")))
      return do_write(error_response(400, "Transfer-Encoding other than chunked alone, or with Content-Length"));
    // issue 17: exactly one Host on HTTP/1.1, at most one Authorization.
    if (auto strict = check_header_counts({fields.version(), fields.count(http::field::host),
                                           fields.count(http::field::authorization)}))
      return refuse(*strict);
    if (probe_only_ && !is_probe_target(fields.method_string(), fields.target())) return do_write(busy_response());
    // issue 17: a Host this daemon is not configured for (DNS rebinding) is not served at all.
    if (server_->options.hosts)
      if (auto refused = check_host(*server_->options.hosts, fields[http::field::host])) return refuse(*refused);
    const auto length = parser_->content_length();
    if (length && *length > body_limit_) return on_read(http::error::body_limit, bytes);
    // One deadline covers the whole body: give a big one time to arrive at a modest rate
    // (a 40 MB mail from a remote MTA), not the 30 s meant for a small ticket.
    if (length)
      stream_.expires_after(server_->options.read_timeout + std::chrono::seconds(*length / limits::kMinUploadBytesPerSecond));
    parser_->body_limit(body_limit_);  // still enforced for chunked bodies
    // A client that asked first (curl does for bodies over 1 MB, e.g. a mail with attachments)
    // hears "go on" only now that the size is known to fit; a 413 instead reaches it before
    // it sent the body, not as a reset in the middle of the upload.
    if (beast::iequals(parser_->get()[http::field::expect], "100-continue")) {
      auto go_on = std::make_shared<http::response<http::empty_body>>(http::status::continue_, parser_->get().version());
      return http::async_write(stream_, *go_on, [self = shared_from_this(), go_on](beast::error_code ec, std::size_t) {
        if (ec) return self->do_close();
        self->read_body();
      });
    }
    read_body();
  }

  // An answer before the body was read: the connection closes after it.
  void refuse(const Problem& problem) { do_write(problem_response(problem), parser_->get().version(), false); }

  void read_body() {
    http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&Session::on_read, shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec == http::error::end_of_stream) return do_close();
    if (ec == net::error::operation_aborted) return;
    if (ec == beast::error::timeout) {
      spdlog::debug("read from {}: timed out", peer_);
      return;  // tcp_stream closed the socket already
    }
    if (ec == http::error::body_limit)
      return do_write(error_response(413, "", body_limit_), parser_->get().version());
    if (ec == http::error::header_limit)
      return do_write(error_response(431, "request headers exceed " + std::to_string(limits::kMaxHeaderBytes) + " bytes"));
    if (ec.category() == http::make_error_code(http::error::bad_target).category()) {
      spdlog::info("read from {}: {}", peer_, ec.message());
      return do_write(error_response(400, "malformed HTTP request: " + ec.message()));
    }
    if (ec) {
      spdlog::info("read from {}: {}", peer_, ec.message());
      return do_close();
    }
    ++server_->in_flight;
    WireRequest wire = parser_->release();
    const unsigned version = wire.version();
    const bool keep_alive = wire.keep_alive() && !probe_only_;  // a reserve slot serves one probe
    Request req = from_wire(std::move(wire));
    req.keep_alive = keep_alive;
    // The API may answer from another thread (the storage writer); hop back to our strand.
    server_->api.handle(req, [self = shared_from_this(), version, keep_alive](Response res) {
      net::post(self->stream_.get_executor(), [self, res = std::move(res), version, keep_alive]() mutable {
        --self->server_->in_flight;
        self->do_write(std::move(res), version, keep_alive);
      });
    }, Peer{loopback_});
  }

  // `version` and `keep_alive`: the request's; an error the session found itself (no
  // request to speak of) answers in HTTP/1.1 and closes.
  void do_write(Response res, unsigned version = 11, bool keep_alive = false) {
    response_ = std::make_shared<WireResponse>(to_wire(std::move(res), version, keep_alive));
    stream_.expires_after(limits::kWriteTimeout);
    http::async_write(stream_, *response_,
                      beast::bind_front_handler(&Session::on_write, shared_from_this(), response_->need_eof()));
  }

  void on_write(bool close, beast::error_code ec, std::size_t) {
    response_.reset();
    if (ec) {
      if (ec != net::error::operation_aborted) spdlog::info("write to {}: {}", peer_, ec.message());
      return;
    }
    if (close) return do_close();
    do_read();
  }

  void do_close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::size_t body_limit_ = 0;
  bool loopback_ = false;  // the limit parser_ enforces, for the 413 it may cause
  std::shared_ptr<WireResponse> response_;
  std::shared_ptr<HttpServer::State> server_;
  std::string peer_;
  const std::string address_;
  const bool probe_only_;
};

}  // namespace

WireResponse to_wire(Response&& res, unsigned version, bool keep_alive) {
  WireResponse wire{static_cast<http::status>(res.status), version};
  for (auto& [name, value] : res.headers) wire.set(name, value);
  wire.keep_alive(keep_alive && res.keep_alive);
  wire.body() = std::move(res.body);
  wire.prepare_payload();
  if (res.content_length) wire.content_length(*res.content_length);
  return wire;
}

Response busy_response() {
  Response res = problem_response(service_unavailable("too many connections; try again shortly"));
  res.headers.set("Retry-After", "1");
  res.keep_alive = false;
  return res;
}

void start_session(tcp::socket&& socket, std::shared_ptr<HttpServer::State> server, std::string client,
                   bool probe_only) {
  std::make_shared<Session>(std::move(socket), std::move(server), std::move(client), probe_only)->run();
}

}  // namespace triaged::daemon
