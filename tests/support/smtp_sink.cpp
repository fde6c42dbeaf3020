#include "smtp_sink.h"

#include <catch2/catch.hpp>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>

#include <atomic>
#include <cctype>
#include <condition_variable>
#include <istream>
#include <mutex>
#include <optional>
#include <thread>

namespace triaged::e2e {
namespace {

bool equal_ignoring_case(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

}  // namespace

std::string SmtpMessage::header(const std::string& name) const {
  std::size_t at = 0;
  while (at < data.size()) {
    const auto eol = data.find("\r\n", at);
    const std::string line = data.substr(at, eol - at);
    if (line.empty()) return "";
    const auto colon = line.find(':');
    if (colon != std::string::npos && line.size() > colon && equal_ignoring_case(line.substr(0, colon), name)) {
      std::string value = line.substr(colon + 1);
      std::size_t next = eol + 2;
      while (next < data.size() && (data[next] == ' ' || data[next] == '\t')) {
        const auto e = data.find("\r\n", next);
        value += data.substr(next, e - next);
        next = e + 2;
      }
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      return value;
    }
    if (eol == std::string::npos) return "";
    at = eol + 2;
  }
  return "";
}

struct SmtpSink::Impl {
  explicit Impl(int refuse_first)
      : acceptor_(ioc_, {boost::asio::ip::make_address("127.0.0.1"), 0}), refuse_(refuse_first) {
    port_ = acceptor_.local_endpoint().port();
    thread_ = std::thread([this] { serve(); });
  }

  void serve() {
    while (!stopping_) {
      boost::asio::ip::tcp::socket socket(ioc_);
      boost::system::error_code ec;
      acceptor_.accept(socket, ec);
      if (ec || stopping_) continue;
      session(socket);
    }
  }

  void session(boost::asio::ip::tcp::socket& socket) {
    boost::asio::streambuf buffer;
    boost::system::error_code ec;
    const auto say = [&](const std::string& line) { boost::asio::write(socket, boost::asio::buffer(line + "\r\n"), ec); };
    const auto read_line = [&]() -> std::optional<std::string> {
      boost::asio::read_until(socket, buffer, "\r\n", ec);
      if (ec) return std::nullopt;
      std::istream in(&buffer);
      std::string line;
      std::getline(in, line);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      return line;
    };
    say("220 sink ESMTP");
    SmtpMessage current;
    while (!ec) {
      auto line = read_line();
      if (!line) return;
      std::string verb = line->substr(0, 4);
      for (auto& c : verb) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      if (verb == "EHLO" || verb == "HELO") say("250 sink");
      else if (verb == "MAIL") current = SmtpMessage{line->substr(10), {}, {}}, say("250 ok");
      else if (verb == "RCPT") current.rcpt_to.push_back(line->substr(8)), say("250 ok");
      else if (verb == "RSET" || verb == "NOOP") say("250 ok");
      else if (verb == "QUIT") return say("221 bye");
      else if (verb == "DATA") {
        say("354 go on");
        for (;;) {
          auto data_line = read_line();
          if (!data_line) return;
          if (*data_line == ".") break;
          current.data += (data_line->starts_with("..") ? data_line->substr(1) : *data_line) + "\r\n";
        }
        if (refused_ < refuse_) {
          ++refused_;
          say("451 try again later");
          continue;
        }
        {
          std::lock_guard lock(mutex_);
          messages_.push_back(current);
        }
        arrived_.notify_all();
        say("250 queued");
      } else {
        say("502 not implemented");
      }
    }
  }

  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  unsigned short port_ = 0;
  const int refuse_;
  std::atomic<int> refused_{0};
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::condition_variable arrived_;
  std::vector<SmtpMessage> messages_;
  std::thread thread_;
};

SmtpSink::SmtpSink(int refuse_first) : impl_(std::make_unique<Impl>(refuse_first)) {}

SmtpSink::~SmtpSink() {
  impl_->stopping_ = true;
  // Wake the blocking accept with a connection of our own.
  boost::system::error_code ec;
  boost::asio::ip::tcp::socket poke(impl_->ioc_);
  poke.connect({boost::asio::ip::make_address("127.0.0.1"), impl_->port_}, ec);
  impl_->thread_.join();
}

unsigned short SmtpSink::port() const { return impl_->port_; }

std::vector<SmtpMessage> SmtpSink::wait_for(std::size_t n, std::chrono::milliseconds timeout) {
  std::unique_lock lock(impl_->mutex_);
  if (!impl_->arrived_.wait_for(lock, timeout, [&] { return impl_->messages_.size() >= n; }))
    FAIL("the SMTP sink got " << impl_->messages_.size() << " message(s), expected " << n);
  return impl_->messages_;
}

std::vector<SmtpMessage> SmtpSink::messages() {
  std::lock_guard lock(impl_->mutex_);
  return impl_->messages_;
}

int SmtpSink::refused() const { return impl_->refused_.load(); }

}  // namespace triaged::e2e
