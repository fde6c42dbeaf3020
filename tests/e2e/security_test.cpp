// issue 17 against the real triaged binary over raw sockets: the Host names it answers to (DNS
// rebinding), one client address's share of the connection budget and the probes that stay
// answerable past it, and the header blocks a strict server refuses (two Authorization or Host
// headers, none, obs-fold).
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "../daemon/test_rules.h"
#include "daemon_process.h"
#include "http_client.h"
#include "raw_client.h"

namespace triaged::e2e {
namespace {

using triaged::testing::kTestRules;

// One request on a fresh connection from `source`; the status codes answered before it closed.
std::vector<int> exchange(unsigned short port, const std::string& request, const char* source = "127.0.0.1") {
  RawClient client(port, source);
  client.send(request);
  const std::string wire = client.read_until_closed(std::chrono::seconds(3));
  INFO(wire);
  return statuses(wire);
}

// `n` connections from `source` that send the start of a request and then nothing.
std::vector<std::unique_ptr<RawClient>> trickling(unsigned short port, int n, const char* source) {
  std::vector<std::unique_ptr<RawClient>> out;
  for (int i = 0; i < n; ++i) {
    out.push_back(std::make_unique<RawClient>(port, source));
    out.back()->send("GET /api/v1/queues HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: a");
  }
  return out;
}

TEST_CASE("a Host header naming another site is answered 421 and reads no ticket", "[e2e]") {
  Running triaged;
  http_post_json(triaged.port(), "/api/v1/tickets", std::string(triaged::testing::kDeliveryJson));
  const std::string port = std::to_string(triaged.port());
  CHECK(exchange(triaged.port(), "GET /api/v1/tickets HTTP/1.1\r\nHost: attacker.example:" + port +
                                     "\r\nOrigin: http://attacker.example:" + port + "\r\nConnection: close\r\n\r\n") ==
        std::vector<int>{421});
  CHECK(exchange(triaged.port(), "GET /api/v1/tickets HTTP/1.1\r\nHost: localhost:" + port +
                                     "\r\nConnection: close\r\n\r\n") == std::vector<int>{200});
}

TEST_CASE("a name in the config's hosts list is answered", "[e2e]") {
  TempDir dir;
  const std::string config = dir.write("triaged.yaml", "hosts: [helpdesk.test]\n");
  DaemonProcess triaged(dir, dir.write("rules.yaml", kTestRules), {"--config", config});
  CHECK(exchange(triaged.port(), "GET /healthz HTTP/1.1\r\nHost: HelpDesk.test:80\r\nConnection: close\r\n\r\n") ==
        std::vector<int>{200});
  CHECK(exchange(triaged.port(), "GET /healthz HTTP/1.1\r\nHost: other.test\r\nConnection: close\r\n\r\n") ==
        std::vector<int>{421});
}

TEST_CASE("many trickling connections from one address leave healthz and tickets to another address", "[e2e]") {
  Running triaged({"--max-connections", "200"});
  auto hog = trickling(triaged.port(), 250, "127.0.0.1");
  CHECK(exchange(triaged.port(), "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
                 "127.0.0.2") == std::vector<int>{200});
  const std::string ticket(triaged::testing::kDeliveryJson);
  CHECK(exchange(triaged.port(),
                 "POST /api/v1/tickets HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                 "Content-Length: " + std::to_string(ticket.size()) + "\r\nConnection: close\r\n\r\n" + ticket,
                 "127.0.0.3") == std::vector<int>{201});
}

TEST_CASE("with every connection taken the probes are still answered and other requests get 503", "[e2e]") {
  Running triaged({"--max-connections", "20", "--read-timeout", "30"});
  auto hog = trickling(triaged.port(), 10, "127.0.0.2");
  auto more = trickling(triaged.port(), 10, "127.0.0.3");
  for (const char* probe : {"/healthz", "/readyz"})
    CHECK(exchange(triaged.port(), std::string("GET ") + probe + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n") ==
          std::vector<int>{200});
  CHECK(exchange(triaged.port(), "GET /api/v1/queues HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n") == std::vector<int>{503});
}

TEST_CASE("an address past --max-connections-per-client is answered 503 at once", "[e2e]") {
  Running triaged({"--max-connections-per-client", "5"});
  auto hog = trickling(triaged.port(), 5, "127.0.0.2");
  const auto asked = std::chrono::steady_clock::now();
  CHECK(exchange(triaged.port(), "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", "127.0.0.2") ==
        std::vector<int>{503});
  CHECK(std::chrono::steady_clock::now() - asked < std::chrono::seconds(1));
  CHECK(exchange(triaged.port(), "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n") ==
        std::vector<int>{200});
}

TEST_CASE("connections a client closed give their slot back to its address", "[e2e]") {
  Running triaged({"--max-connections-per-client", "5"});
  for (int i = 0; i < 20; ++i) {
    INFO("connection " << i);
    // A kept-alive connection closed by the client: the daemon sees it go within moments.
    std::vector<int> got;
    for (const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
         got != std::vector<int>{200} && std::chrono::steady_clock::now() < deadline;) {
      RawClient client(triaged.port());
      client.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
      got = statuses(client.read_until_closed(std::chrono::milliseconds(100)));
    }
    REQUIRE(got == std::vector<int>{200});
  }
}

TEST_CASE("two Authorization headers are answered 400", "[e2e]") {
  Running triaged;
  CHECK(exchange(triaged.port(), "GET /api/v1/queues HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer a\r\n"
                                 "Authorization: Bearer b\r\n\r\n") == std::vector<int>{400});
}

TEST_CASE("HTTP/1.1 without exactly one Host is answered 400 and HTTP/1.0 needs none", "[e2e]") {
  Running triaged;
  CHECK(exchange(triaged.port(), "GET /healthz HTTP/1.1\r\n\r\n") == std::vector<int>{400});
  CHECK(exchange(triaged.port(), "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: localhost\r\n\r\n") ==
        std::vector<int>{400});
  RawClient old(triaged.port());
  old.send("GET /healthz HTTP/1.0\r\n\r\n");
  CHECK_THAT(old.read_until_closed(std::chrono::seconds(3)), Catch::StartsWith("HTTP/1.0 200"));
}

TEST_CASE("a header continued on the next line is answered 400 and the request never runs", "[e2e]") {
  Running triaged;
  const std::string ticket(triaged::testing::kDeliveryJson);
  CHECK(exchange(triaged.port(), "POST /api/v1/tickets HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                                 "X-Note: one\r\n two\r\nContent-Length: " + std::to_string(ticket.size()) +
                                     "\r\n\r\n" + ticket) == std::vector<int>{400});
  CHECK(json_of(http_get(triaged.port(), "/api/v1/tickets")).at("tickets").as_array().empty());
}

}  // namespace
}  // namespace triaged::e2e
