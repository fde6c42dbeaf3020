// A local SMTP server for the tests: enough of RFC 5321 for libcurl to deliver to it
// (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT), on 127.0.0.1 and a free port. It keeps
// what it receives, and can refuse the first N messages with a 451 to exercise retries.
// Compiled once into test_support (smtp_sink.cpp, over Asio); this header names no Asio type.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace triaged::e2e {

struct SmtpMessage {
  std::string mail_from;
  std::vector<std::string> rcpt_to;
  std::string data;  // the message as received, dot-unstuffed, CRLF line ends

  // The value of the first header `name` (case-insensitive), unfolded; "" if absent.
  std::string header(const std::string& name) const;
};

class SmtpSink {
 public:
  explicit SmtpSink(int refuse_first = 0);
  ~SmtpSink();
  SmtpSink(const SmtpSink&) = delete;
  SmtpSink& operator=(const SmtpSink&) = delete;

  unsigned short port() const;
  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port()); }

  // Waits until at least `n` messages arrived; fails the test after `timeout`.
  std::vector<SmtpMessage> wait_for(std::size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  std::vector<SmtpMessage> messages();
  int refused() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace triaged::e2e
