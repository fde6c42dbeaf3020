// issue 17 against the real triaged binary over raw sockets: the Host names it answers to (DNS
// rebinding).
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

}  // namespace
}  // namespace triaged::e2e
