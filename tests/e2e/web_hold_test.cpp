// A web ticket missing a field, held as needs_info (on_missing "hold"), against the real binary:
// one acknowledgement in the SMTP sink asks for the field with the status link, and the status
// page's form releases the ticket into its queue exactly as a complete mail reply does.
#include <catch2/catch.hpp>

#include "customer_fixture.h"

namespace triaged::e2e {
namespace {

const std::string kHeld = R"({"subject": "The courier is late", "body": "Nobody came today", "channel": "web",
    "on_missing": "hold", "requester": {"name": "Ivan", "email": "ivan@example.com"}})";

Reply send_fields(unsigned short port, const std::string& token, const std::string& order) {
  return http_post_json(port, "/api/v1/status/fields",
                        json::serialize(json::object{{"token", token}, {"fields", {{"order_id", order}}}}));
}

}  // namespace

TEST_CASE("a held web ticket is acknowledged once with the question and the status link", "[e2e][customer][hold]") {
  SmtpSink sink;
  Customer triaged(sink);
  Reply held = http_post_json(triaged.port(), "/api/v1/tickets", kHeld);
  REQUIRE(held.status == 202);
  const json::object body = json_of(held);
  CHECK(body.at("status") == "needs_info");
  CHECK(body.at("missing").as_array()[0].as_object().at("field") == "order_id");
  const std::string ref = str(body.at("ref"));

  const SmtpMessage ack = sink.wait_for(1)[0];
  CHECK(ack.rcpt_to == std::vector<std::string>{"<ivan@example.com>"});
  CHECK(ack.header("Subject") == "[#" + ref + "] Request received: Delivery");
  CHECK(ack.header("In-Reply-To").empty());
  CHECK_THAT(body_of(ack), Catch::Contains("we still need") && Catch::Contains("  - Order number"));
  const std::string token = token_in(ack);
  CHECK(token.rfind(std::to_string(body.at("id").as_int64()) + "." + ref + ".", 0) == 0);
  CHECK(has(event_kinds(triaged.port(), ref), "auto_reply_queued"));

  const std::string metrics = http_get(triaged.port(), "/metrics").body;
  CHECK_THAT(metrics, Catch::Contains(R"(triaged_tickets_total{channel="web",topic="delivery",department="logistics",)"
                                      R"(outcome="needs_info"} 1)"));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(sink.messages().size() == 1);
}

TEST_CASE("the status page form releases a held web ticket into its queue as a mail reply would", "[e2e][customer][hold]") {
  SmtpSink sink;
  Customer triaged(sink);
  Reply held = http_post_json(triaged.port(), "/api/v1/tickets", kHeld);
  REQUIRE(held.status == 202);
  const std::string ref = str(json_of(held).at("ref"));
  const std::string token = token_in(sink.wait_for(1)[0]);

  const json::object status = json_of(http_get(triaged.port(), "/api/v1/status?token=" + token));
  CHECK(status.at("status") == "needs_info");
  CHECK(status.at("due_at").is_null());
  CHECK(status.at("missing").as_array()[0].as_object().at("field") == "order_id");
  // Typed into a form, the first report lives on the ticket; the customer still sees it.
  CHECK_THAT(str(status.at("messages").as_array()[0].as_object().at("text")), Catch::Contains("Nobody came today"));

  Reply invalid = send_fields(triaged.port(), token, "12");
  REQUIRE(invalid.status == 422);
  const json::object refused = json_of(invalid).at("errors").as_array()[0].as_object();
  CHECK(refused.at("field") == "order_id");
  CHECK(refused.at("code") == "invalid");
  CHECK_FALSE(str(refused.at("message")).empty());
  CHECK(json_of(http_get(triaged.port(), "/api/v1/tickets/" + ref)).at("status") == "needs_info");

  Reply released = send_fields(triaged.port(), token, "62201957");
  REQUIRE(released.status == 200);
  const json::object after = json_of(released);
  CHECK(after.at("status") == "new");
  CHECK(after.at("due_at").is_string());
  // The first report stays first once the customer's own answer is in the thread.
  CHECK_THAT(str(after.at("messages").as_array()[0].as_object().at("text")), Catch::Contains("Nobody came today"));

  const json::object ticket = json_of(http_get(triaged.port(), "/api/v1/tickets/" + ref));
  CHECK(ticket.at("status") == "new");
  CHECK(ticket.at("department") == "logistics");
  CHECK(ticket.at("fields").as_object().at("order_id") == "62201957");
  CHECK(ticket.at("due_at").is_string());
  const auto kinds = event_kinds(triaged.port(), ref);
  CHECK((has(kinds, "customer_fields") && has(kinds, "fields_completed") && has(kinds, "status_changed")));

  // In its department's queue, where the board reads it.
  const json::object queue = json_of(http_get(triaged.port(), "/api/v1/tickets?department=logistics&status=new"));
  REQUIRE(queue.at("tickets").as_array().size() == 1);
  CHECK(queue.at("tickets").as_array()[0].as_object().at("ref") == json::value(ref));
  CHECK(send_fields(triaged.port(), token, "62201957").status == 409);
}

TEST_CASE("an operator's ticket without on_missing is still refused 422 and nobody is mailed", "[e2e][customer][hold]") {
  SmtpSink sink;
  Customer triaged(sink);
  Reply refused = http_post_json(triaged.port(), "/api/v1/tickets", R"({"subject": "The courier is late",
      "channel": "phone", "requester": {"name": "Ivan", "email": "ivan@example.com"}})");
  CHECK(refused.status == 422);
  CHECK(json_of(http_get(triaged.port(), "/api/v1/tickets")).at("tickets").as_array().empty());
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(sink.messages().empty());
}

}  // namespace triaged::e2e
