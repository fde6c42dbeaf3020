// A local HTTP server for the webhook tests: on 127.0.0.1 and a free port, it answers every
// request 200 (or the first `fail_first` with 500, to exercise retries) and keeps what it
// received (method, target, headers, body), so a test can check what the daemon posted and
// verify its signature.
#pragma once

#include <catch2/catch.hpp>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace triaged::e2e {

struct ReceivedRequest {
  std::string method;
  std::string target;
  std::string content_type;
  std::string signature;  // the X-Triaged-Signature header
  std::string body;
};

class WebhookReceiver {
 public:
  explicit WebhookReceiver(int fail_first = 0)
      : acceptor_(ioc_, {boost::asio::ip::make_address("127.0.0.1"), 0}), fail_first_(fail_first) {
    port_ = acceptor_.local_endpoint().port();
    thread_ = std::thread([this] { serve(); });
  }
  ~WebhookReceiver() {
    stopping_ = true;
    // Wake the blocking accept with a connection of our own.
    boost::system::error_code ec;
    boost::asio::ip::tcp::socket poke(ioc_);
    poke.connect({boost::asio::ip::make_address("127.0.0.1"), port_}, ec);
    thread_.join();
  }
  WebhookReceiver(const WebhookReceiver&) = delete;
  WebhookReceiver& operator=(const WebhookReceiver&) = delete;

  std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }

  // Waits until at least `n` requests arrived; fails the test after `timeout`.
  std::vector<ReceivedRequest> wait_for(std::size_t n, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    if (!arrived_.wait_for(lock, timeout, [&] { return received_.size() >= n; }))
      FAIL("the webhook receiver got " << received_.size() << " request(s), expected " << n);
    return received_;
  }

 private:
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

}  // namespace triaged::e2e
