// The real triaged binary over real sockets: what a client sees on the wire.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include "../daemon/test_rules.h"
#include "daemon_process.h"
#include "http_client.h"

namespace triaged::e2e {
namespace {

using triaged::testing::kDeliveryJson;
using triaged::testing::kTestRules;

std::string str(const boost::json::value& v) {
  return v.is_string() ? std::string(v.get_string()) : boost::json::serialize(v);
}

// Checks an error answer's status and RFC 9457 shape, and returns its body.
boost::json::object problem_of(const Reply& reply, unsigned status) {
  INFO(reply.status << " " << reply.body);
  CHECK(reply.status == status);
  CHECK(reply.header("Content-Type") == "application/problem+json");
  auto p = json_of(reply);
  CHECK(p.at("status").to_number<unsigned>() == status);
  CHECK(p.at("errors").is_array());
  return p;
}

// A daemon on the test rule set, in its own temp dir.
struct Running {
  explicit Running(std::vector<std::string> extra = {}) : daemon(dir, dir.write("rules.yaml", kTestRules), extra) {}
  TempDir dir;
  DaemonProcess daemon;
  unsigned short port() const { return daemon.port(); }
};

TEST_CASE("a ticket created over HTTP is read back at its Location", "[e2e]") {
  Running triaged;
  Reply created = http_post_json(triaged.port(), "/api/v1/tickets", std::string(kDeliveryJson));
  REQUIRE(created.status == 201);
  auto ticket = json_of(created);
  CHECK(str(ticket.at("topic")) == "delivery");
  CHECK(str(ticket.at("department")) == "logistics");
  const std::string location = created.header("Location");
  REQUIRE(location == "/api/v1/tickets/" + std::to_string(ticket.at("id").as_int64()));

  Reply read = http_get(triaged.port(), location);
  REQUIRE(read.status == 200);
  auto stored = json_of(read);
  CHECK(stored.at("id") == ticket.at("id"));
  CHECK(stored.at("ref") == ticket.at("ref"));
  CHECK(str(stored.at("subject")) == "The courier is late");
  CHECK(str(stored.at("fields").at("order_id")) == "12345678");
  CHECK(json_of(http_get(triaged.port(), "/api/v1/tickets/" + str(ticket.at("ref")))).at("id") == ticket.at("id"));
}

TEST_CASE("client errors reach the client as problem+json with their status", "[e2e]") {
  Running triaged;
  const auto port = triaged.port();
  auto malformed = problem_of(http_post_json(port, "/api/v1/tickets", R"({"subject": )"), 400);
  CHECK_THAT(str(malformed.at("detail")), Catch::StartsWith("malformed JSON at byte"));
  problem_of(http_get(port, "/api/v1/tickets/424242"), 404);
  problem_of(http_get(port, "/no/such/path"), 404);
  Reply not_allowed = http_request(port, http::verb::put, "/api/v1/schema", "{}", "application/json");
  problem_of(not_allowed, 405);
  CHECK(not_allowed.header("Allow") == "GET");
  problem_of(http_request(port, http::verb::post, "/api/v1/tickets", "subject", "text/plain"), 415);
  auto incomplete = problem_of(http_post_json(port, "/api/v1/tickets", R"({"subject": "courier"})"), 422);
  CHECK(incomplete.at("errors").as_array().size() == 3);
}

TEST_CASE("a body over --max-body is answered 413 and the connection is closed", "[e2e]") {
  Running triaged({"--max-body", "1024"});
  HttpConnection connection(triaged.port());
  const std::string big = R"({"subject": ")" + std::string(4096, 'x') + R"("})";
  Reply reply = connection.request(http::verb::post, "/api/v1/tickets", big, "application/json");
  auto p = problem_of(reply, 413);
  CHECK_THAT(str(p.at("detail")), Catch::Contains("1024 bytes"));
  CHECK_FALSE(reply.keep_alive);
  CHECK(connection.closed_by_peer());

  const std::string small = R"({"subject": ")" + std::string(900, 'x') + R"("})";
  CHECK(http_post_json(triaged.port(), "/api/v1/tickets", small).status == 201);
}

TEST_CASE("headers over 16 KiB are answered 431", "[e2e]") {
  Running triaged;
  HttpConnection connection(triaged.port());
  Reply reply = connection.request(http::verb::get, "/healthz", "", "", {{"X-Padding", std::string(17 * 1024, 'p')}});
  problem_of(reply, 431);
  CHECK(connection.closed_by_peer());
}

TEST_CASE("bytes that are not HTTP are answered 400 and the connection is closed", "[e2e]") {
  Running triaged;
  HttpConnection connection(triaged.port());
  connection.send_raw("HELLO THERE\r\n\r\n");
  auto reply = connection.read_reply();
  REQUIRE(reply.has_value());
  problem_of(*reply, 400);
  CHECK(connection.closed_by_peer());
  CHECK(http_get(triaged.port(), "/healthz").status == 200);
}

TEST_CASE("a create retried with the same Idempotency-Key over HTTP returns the first ticket", "[e2e]") {
  Running triaged;
  const Headers key{{"Idempotency-Key", "form-submit-7f3a"}};
  Reply first = http_post_json(triaged.port(), "/api/v1/tickets", std::string(kDeliveryJson), key);
  REQUIRE(first.status == 201);
  Reply retry = http_post_json(triaged.port(), "/api/v1/tickets", std::string(kDeliveryJson), key);
  REQUIRE(retry.status == 201);
  CHECK(retry.header("Idempotent-Replayed") == "true");
  CHECK(json_of(retry).at("id") == json_of(first).at("id"));
  auto conflict = problem_of(
      http_post_json(triaged.port(), "/api/v1/tickets", R"({"subject": "something else"})", key), 422);
  CHECK(str(conflict.at("errors").at(0).at("code")) == "conflict");
  CHECK(json_of(http_get(triaged.port(), "/api/v1/tickets")).at("tickets").as_array().size() == 1);
}

TEST_CASE("a request that asks to close is answered and the connection closed", "[e2e]") {
  Running triaged;
  HttpConnection connection(triaged.port());
  Reply reply = connection.request(http::verb::get, "/healthz", "", "", {}, false);
  REQUIRE(reply.status == 200);
  CHECK_FALSE(reply.keep_alive);
  CHECK(reply.header("Cache-Control") == "no-store");
  CHECK(connection.closed_by_peer());
}

TEST_CASE("two requests are answered on one keep-alive connection", "[e2e]") {
  Running triaged;
  HttpConnection connection(triaged.port());
  Reply created = connection.post_json("/api/v1/tickets", std::string(kDeliveryJson));
  REQUIRE(created.status == 201);
  CHECK(created.keep_alive);
  Reply read = connection.get(created.header("Location"));
  REQUIRE(read.status == 200);
  CHECK(json_of(read).at("id") == json_of(created).at("id"));
  CHECK(read.keep_alive);
}

TEST_CASE("a client that sends half a request does not hold up other connections", "[e2e]") {
  Running triaged({"--threads", "1"});
  const std::string body = std::string(kDeliveryJson);
  const std::string request = "POST /api/v1/tickets HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                              "Content-Type: application/json\r\nContent-Length: " +
                              std::to_string(body.size()) + "\r\n\r\n" + body;
  const std::size_t half = request.size() / 2;
  HttpConnection slow(triaged.port());
  slow.send_raw(request.substr(0, half));

  const auto started = std::chrono::steady_clock::now();
  Reply other = http_get(triaged.port(), "/healthz");
  CHECK(other.status == 200);
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(2));

  // The slow client is not dropped either: its request completes once the rest arrives.
  slow.send_raw(request.substr(half));
  auto reply = slow.read_reply();
  REQUIRE(reply.has_value());
  CHECK(reply->status == 201);
}

}  // namespace
}  // namespace triaged::e2e
