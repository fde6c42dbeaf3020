// A local HTTP server for the webhook tests: on 127.0.0.1 and a free port, it answers every
// request 200 (or the first `fail_first` with 500, to exercise retries) and keeps what it
// received (method, target, headers, body), so a test can check what the daemon posted and
// verify its signature. Compiled once into test_support (webhook_receiver.cpp, over Beast);
// this header names no Asio or Beast type.
#pragma once

#include <chrono>
#include <memory>
#include <string>
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
  explicit WebhookReceiver(int fail_first = 0);
  ~WebhookReceiver();
  WebhookReceiver(const WebhookReceiver&) = delete;
  WebhookReceiver& operator=(const WebhookReceiver&) = delete;

  std::string url(const std::string& path) const;

  // Waits until at least `n` requests arrived; fails the test after `timeout`.
  std::vector<ReceivedRequest> wait_for(std::size_t n, std::chrono::milliseconds timeout);
  // Waits until at least `n` requests arrived or `timeout` passed, and returns how many did:
  // for checking that something does not happen, ending early if it does.
  std::size_t received_within(std::size_t n, std::chrono::milliseconds timeout);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace triaged::e2e
