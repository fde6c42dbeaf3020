// A raw TCP client for the end-to-end tests of hostile HTTP clients: bytes in and out with
// nothing of HTTP in between, from 127.0.0.1 or another loopback address (127.0.0.2, ...: Linux
// routes all of 127/8 to lo), so a test can be several client addresses at once; and the daemon
// they talk to.
#pragma once

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "../daemon/test_rules.h"
#include "daemon_process.h"

namespace triaged::e2e {

// The real triaged on a free port of 127.0.0.1, with the test rule set and `extra` flags.
struct Running {
  explicit Running(std::vector<std::string> extra = {})
      : daemon(dir, dir.write("rules.yaml", triaged::testing::kTestRules), extra) {}
  TempDir dir;
  DaemonProcess daemon;
  unsigned short port() const { return daemon.port(); }
};

// One TCP connection to 127.0.0.1 driven byte by byte, from `source` (a loopback address).
class RawClient {
 public:
  using Clock = std::chrono::steady_clock;

  explicit RawClient(unsigned short port, const char* source = "127.0.0.1")
      : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    REQUIRE(fd_ >= 0);
    sockaddr_in from{};
    from.sin_family = AF_INET;
    REQUIRE(::inet_pton(AF_INET, source, &from.sin_addr) == 1);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&from), sizeof from) != 0)
      FAIL("bind to " << source << ": " << std::strerror(errno));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
      FAIL("connect to port " << port << ": " << std::strerror(errno));
  }
  ~RawClient() { ::close(fd_); }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  // False once the peer has closed or reset the connection.
  bool send(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  // Everything the peer sends until it closes the connection (end of stream or a reset) or
  // `timeout` passes; closed() tells which.
  std::string read_until_closed(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    std::string out;
    const auto deadline = Clock::now() + timeout;
    while (!closed_) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      if (left <= 0) break;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left)) <= 0) continue;
      char buf[4096];
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n > 0) out.append(buf, static_cast<std::size_t>(n));
      else if (n == 0 || errno != EINTR) closed_ = true;
    }
    return out;
  }

  // Without waiting: has the peer closed (or reset) the connection? Data it sent is discarded.
  bool peer_closed_now() {
    pollfd p{fd_, POLLIN, 0};
    while (!closed_ && ::poll(&p, 1, 0) > 0) {
      char buf[4096];
      const ssize_t n = ::recv(fd_, buf, sizeof buf, MSG_DONTWAIT);
      if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) closed_ = true;
      if (n <= 0) break;
    }
    return closed_;
  }

  bool closed() const { return closed_; }

 private:
  int fd_;
  bool closed_ = false;
};

// The status codes of every response in `wire`, in order.
inline std::vector<int> statuses(const std::string& wire) {
  std::vector<int> out;
  for (std::size_t at = wire.find("HTTP/1.1 "); at != std::string::npos; at = wire.find("HTTP/1.1 ", at + 1))
    if (at + 12 <= wire.size() && std::isdigit(static_cast<unsigned char>(wire[at + 9])))
      out.push_back(std::stoi(wire.substr(at + 9, 3)));
  return out;
}

}  // namespace triaged::e2e
