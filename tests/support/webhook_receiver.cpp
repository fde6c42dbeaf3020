#include "webhook_receiver.h"

#include <catch2/catch.hpp>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace triaged::e2e {

struct WebhookReceiver::Impl {
  explicit Impl(int fail_first)
      : acceptor_(ioc_, {boost::asio::ip::make_address("127.0.0.1"), 0}), fail_first_(fail_first) {
    port_ = acceptor_.local_endpoint().port();
    thread_ = std::thread([this] { serve(); });
  }

  void serve() {
    namespace http = boost::beast::http;
    while (!stopping_) {
      boost::asio::ip::tcp::socket socket(ioc_);
      boost::system::error_code ec;
      acceptor_.accept(socket, ec);
      if (ec || stopping_) continue;
      boost::beast::flat_buffer buffer;
      http::request<http::string_body> req;
      http::read(socket, buffer, req, ec);
      if (ec) continue;
      const bool fail = served_++ < fail_first_;
      http::response<http::string_body> res{fail ? http::status::internal_server_error : http::status::ok,
                                            req.version()};
      res.set(http::field::content_type, "text/plain");
      res.body() = "ok";
      res.prepare_payload();
      res.keep_alive(false);
      http::write(socket, res, ec);
      socket.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
      std::lock_guard lock(mutex_);
      received_.push_back({std::string(req.method_string()), std::string(req.target()),
                           std::string(req[http::field::content_type]), std::string(req["X-Triaged-Signature"]),
                           req.body()});
      arrived_.notify_all();
    }
  }

  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  unsigned short port_ = 0;
  const int fail_first_;
  int served_ = 0;  // the serving thread's own
  std::atomic<bool> stopping_{false};
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable arrived_;
  std::vector<ReceivedRequest> received_;
};

WebhookReceiver::WebhookReceiver(int fail_first) : impl_(std::make_unique<Impl>(fail_first)) {}

WebhookReceiver::~WebhookReceiver() {
  impl_->stopping_ = true;
  // Wake the blocking accept with a connection of our own.
  boost::system::error_code ec;
  boost::asio::ip::tcp::socket poke(impl_->ioc_);
  poke.connect({boost::asio::ip::make_address("127.0.0.1"), impl_->port_}, ec);
  impl_->thread_.join();
}

std::string WebhookReceiver::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(impl_->port_) + path;
}

std::vector<ReceivedRequest> WebhookReceiver::wait_for(std::size_t n, std::chrono::milliseconds timeout) {
  std::unique_lock lock(impl_->mutex_);
  if (!impl_->arrived_.wait_for(lock, timeout, [&] { return impl_->received_.size() >= n; }))
    FAIL("the webhook receiver got " << impl_->received_.size() << " request(s), expected " << n);
  return impl_->received_;
}

std::size_t WebhookReceiver::received_within(std::size_t n, std::chrono::milliseconds timeout) {
  std::unique_lock lock(impl_->mutex_);
  impl_->arrived_.wait_for(lock, timeout, [&] { return impl_->received_.size() >= n; });
  return impl_->received_.size();
}

}  // namespace triaged::e2e
