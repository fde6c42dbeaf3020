// Hostile HTTP clients against the real triaged binary, over raw sockets: oversize and
// endless header blocks, too many header fields, oversize chunked bodies, request smuggling
// through conflicting framing headers, a client trickling a byte a second, and floods of idle
// connections. http_test.cpp covers the well-formed limits (one huge header, --max-body with a
// Content-Length, bytes that are not HTTP, half a request).
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "../daemon/test_rules.h"
#include "daemon_process.h"
#include "http_client.h"
#include "raw_client.h"

namespace triaged::e2e {
namespace {

using Clock = std::chrono::steady_clock;
using triaged::testing::kTestRules;

std::string tickets_listed(unsigned short port) {
  return boost::json::serialize(json_of(http_get(port, "/api/v1/tickets")).at("tickets"));
}

TEST_CASE("a header block that never ends is answered 431 at 16 KiB and closed", "[e2e]") {
  Running triaged;
  RawClient client(triaged.port());
  REQUIRE(client.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"));
  // 64 KiB of fields, a kilobyte at a time, and never the blank line that ends them.
  std::size_t sent = 0;
  for (int i = 0; i < 64 && client.send("X-Fill-" + std::to_string(i) + ": " + std::string(1000, 'f') + "\r\n"); ++i) {
    sent += 1000;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  const std::string wire = client.read_until_closed();
  INFO(wire.substr(0, 300));
  CHECK(statuses(wire) == std::vector<int>{431});
  CHECK(client.closed());
  CHECK(http_get(triaged.port(), "/healthz").status == 200);
}

TEST_CASE("more than 100 header fields are answered 431 and 100 are accepted", "[e2e]") {
  Running triaged;
  auto request_with_fields = [](int fields) {
    std::string r = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    for (int i = 1; i < fields; ++i) r += "X-F" + std::to_string(i) + ": v\r\n";
    return r + "Connection: close\r\n\r\n";
  };
  {
    RawClient client(triaged.port());
    REQUIRE(client.send(request_with_fields(100 - 1)));  // + Connection: 100 fields
    CHECK(statuses(client.read_until_closed()) == std::vector<int>{200});
  }
  RawClient client(triaged.port());
  REQUIRE(client.send(request_with_fields(101 - 1)));
  const std::string wire = client.read_until_closed();
  INFO(wire);
  CHECK(statuses(wire) == std::vector<int>{431});
  CHECK_THAT(wire, Catch::Contains("header fields"));
  CHECK(client.closed());
}

TEST_CASE("a chunked body over --max-body is answered 413 and the connection is closed", "[e2e]") {
  Running triaged({"--max-body", "1024"});
  RawClient client(triaged.port());
  std::string request = "POST /api/v1/tickets HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        "Transfer-Encoding: chunked\r\n\r\n";
  const std::string body = R"({"subject": ")" + std::string(4096, 'x') + R"("})";
  for (std::size_t at = 0; at < body.size(); at += 500) {
    const std::string chunk = body.substr(at, 500);
    char size[16];
    std::snprintf(size, sizeof size, "%zx\r\n", chunk.size());
    request += size + chunk + "\r\n";
  }
  request += "0\r\n\r\n";
  client.send(request);  // the daemon may close before it has all of it
  const std::string wire = client.read_until_closed();
  INFO(wire);
  CHECK(statuses(wire) == std::vector<int>{413});
  CHECK(client.closed());
  CHECK(tickets_listed(triaged.port()) == "[]");
}

// Request smuggling: a proxy and triaged must never disagree on where a request ends. Any
// request framed two ways is refused and its connection closed, so what a proxy took for a
// second request is never read as one.
TEST_CASE("Content-Length with Transfer-Encoding is answered 400 and the request behind it never runs", "[e2e]") {
  Running triaged;
  const std::string smuggled = "POST /api/v1/tickets HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                               "Content-Length: 43\r\n\r\n{\"subject\": \"smuggled\", \"body\": \"courier\"}";
  const std::string chunked_body = "0\r\n\r\n" + smuggled;
  const std::vector<std::string> framings = {
      "Content-Length: " + std::to_string(chunked_body.size()) + "\r\nTransfer-Encoding: chunked\r\n",
      "Transfer-Encoding: chunked\r\nContent-Length: " + std::to_string(chunked_body.size()) + "\r\n",
      "Content-Length: " + std::to_string(chunked_body.size()) + "\r\nTransfer-Encoding: gzip, chunked\r\n",
      "Transfer-Encoding: gzip\r\nContent-Length: " + std::to_string(chunked_body.size()) + "\r\n",
      "Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n",
  };
  for (const auto& framing : framings) {
    INFO("framing:\n" << framing);
    RawClient client(triaged.port());
    client.send("POST /api/v1/tickets HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" + framing +
                "\r\n" + chunked_body);
    const std::string wire = client.read_until_closed();
    INFO(wire);
    CHECK(statuses(wire) == std::vector<int>{400});
    CHECK(client.closed());
  }
  CHECK(tickets_listed(triaged.port()) == "[]");
}

TEST_CASE("two different Content-Length values are answered 400 and the connection is closed", "[e2e]") {
  Running triaged;
  const std::string body = R"({"subject": "courier", "body": "late"})";
  const std::vector<std::string> framings = {
      "Content-Length: " + std::to_string(body.size()) + "\r\nContent-Length: 5\r\n",
      "Content-Length: 5\r\nContent-Length: " + std::to_string(body.size()) + "\r\n",
      "Content-Length: " + std::to_string(body.size()) + ", 5\r\n",
  };
  for (const auto& framing : framings) {
    INFO("framing:\n" << framing);
    RawClient client(triaged.port());
    client.send("POST /api/v1/tickets HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" + framing +
                "\r\n" + body);
    const std::string wire = client.read_until_closed();
    INFO(wire);
    CHECK(statuses(wire) == std::vector<int>{400});
    CHECK(client.closed());
  }
  CHECK(tickets_listed(triaged.port()) == "[]");
}

TEST_CASE("a client sending a byte a second is cut off by --read-timeout while others are served", "[e2e]") {
  Running triaged({"--read-timeout", "2", "--threads", "1"});
  RawClient slow(triaged.port());
  const std::string request = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Trickle: abcdefghijklmnopqrstuvwxyz\r\n\r\n";
  const auto started = Clock::now();
  std::optional<Clock::duration> cut_after;
  int served = 0;
  for (std::size_t i = 0; i < request.size() && !cut_after && Clock::now() - started < std::chrono::seconds(8); ++i) {
    if (!slow.send(request.substr(i, 1)) || slow.peer_closed_now()) {
      cut_after = Clock::now() - started;
      break;
    }
    // Meanwhile, on the daemon's one worker thread, other clients get their answers at once.
    const auto asked = Clock::now();
    CHECK(http_get(triaged.port(), "/healthz").status == 200);
    CHECK(Clock::now() - asked < std::chrono::seconds(1));
    ++served;
    std::this_thread::sleep_until(asked + std::chrono::seconds(1));
  }
  REQUIRE(cut_after.has_value());
  CHECK(*cut_after >= std::chrono::milliseconds(1500));
  CHECK(*cut_after < std::chrono::seconds(5));
  CHECK(served >= 2);
  CHECK(statuses(slow.read_until_closed(std::chrono::milliseconds(100))).empty());
}

TEST_CASE("five hundred idle connections do not stop a new client being served", "[e2e]") {
  Running triaged;
  std::vector<std::unique_ptr<RawClient>> idle;
  // From ten addresses: one address may hold only --max-connections-per-client (100).
  const std::vector<std::string> sources = {"127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5", "127.0.0.6",
                                            "127.0.0.7", "127.0.0.8", "127.0.0.9", "127.0.0.10", "127.0.0.11"};
  for (int i = 0; i < 500; ++i) {
    idle.push_back(std::make_unique<RawClient>(triaged.port(), sources[i % sources.size()].c_str()));
    if (i % 2 == 0) idle.back()->send("POST /api/v1/tickets HTTP/1.1\r\nHost: 127.0.0.1\r\n");  // and then nothing
  }
  const auto asked = Clock::now();
  Reply health = http_get(triaged.port(), "/healthz");
  CHECK(health.status == 200);
  Reply created = http_post_json(triaged.port(), "/api/v1/tickets", std::string(triaged::testing::kDeliveryJson));
  CHECK(created.status == 201);
  CHECK(Clock::now() - asked < std::chrono::seconds(2));
  for (auto& c : idle) CHECK_FALSE(c->peer_closed_now());
}

TEST_CASE("connections past --max-connections are answered 503 until others close", "[e2e]") {
  Running triaged({"--max-connections", "20"});
  std::vector<std::unique_ptr<RawClient>> idle;
  for (int i = 0; i < 20; ++i) idle.push_back(std::make_unique<RawClient>(triaged.port()));

  // Past the limit only the monitoring probes are answered (a few reserve slots); the rest is 503.
  RawClient turned_away(triaged.port());
  turned_away.send("GET /api/v1/queues HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  const std::string wire = turned_away.read_until_closed();
  INFO(wire);
  CHECK(statuses(wire) == std::vector<int>{503});
  CHECK_THAT(wire, Catch::Contains("Retry-After: 1"));
  CHECK(turned_away.closed());

  idle.resize(15);
  unsigned status = 0;
  for (const auto deadline = Clock::now() + std::chrono::seconds(3); status != 200 && Clock::now() < deadline;) {
    RawClient client(triaged.port());
    client.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    const auto got = statuses(client.read_until_closed());
    status = got.empty() ? 0 : static_cast<unsigned>(got.front());
    if (status != 200) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  CHECK(status == 200);
  for (auto& c : idle) CHECK_FALSE(c->peer_closed_now());
}

}  // namespace
}  // namespace triaged::e2e
