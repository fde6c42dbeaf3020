// The requester side of the API: repeats answered 200 with the ticket they joined, history in
// classify, the requester lookup, and linking by hand with every bad request named.
#include <catch2/catch.hpp>

#include "api_harness.h"

namespace triaged::testing {
namespace {

// kTestRules with repeats merged by order number, and a callback topic that needs a phone.
std::string repeat_rules() {
  std::string rules = replace_once(kTestRules, "duplicates: { action: off }", "duplicates: { match: [order_id] }");
  rules = replace_once(rules, "templates:\n", "templates:\n  callback: { required: [phone] }\n");
  return replace_once(rules, "  - id: other\n", R"(  - id: callback
    title: "Call me back"
    department: support
    template: callback
    when: { text: { words: [callback] } }
  - id: other
)");
}

constexpr std::string_view kFirst =
    R"({"subject": "The courier is late", "body": "Nobody came today",
        "requester": {"name": "Ivan", "email": "Ivan@Example.com", "phone": "8 916 123-45-67"},
        "fields": {"order_id": "12345678"}})";
constexpr std::string_view kRepeat =
    R"({"subject": "Courier again", "body": "Still nobody", "channel": "phone",
        "requester": {"name": "Ivan", "phone": "+7 (916) 123-45-67"}, "fields": {"order_id": "12345678"}})";

std::string path_of(const boost::json::object& ticket, const std::string& action = "") {
  return "/api/v1/tickets/" + std::to_string(ticket.at("id").as_int64()) + (action.empty() ? "" : "/" + action);
}

TEST_CASE("a repeat is answered 200 with the ticket it joined and merged true", "[api][requesters]") {
  ApiHarness api(repeat_rules());
  auto first = api.create(std::string(kFirst));
  CHECK(first.at("merged") == false);
  Response res = api.post_json("/api/v1/tickets", std::string(kRepeat));
  REQUIRE(res.status == 200);
  auto joined = body_json(res);
  CHECK(joined.at("merged") == true);
  CHECK(str(joined.at("matched_by")) == "order_id");
  CHECK(joined.at("id") == first.at("id"));
  CHECK(res.header("Location") == path_of(first));
  CHECK_THAT(api.get("/metrics").body,
             Catch::Contains(R"(triaged_tickets_total{channel="phone",topic="delivery",department="logistics",)"
                             R"(outcome="merged"} 1)"));

  auto read = body_json(api.get(path_of(first)));
  CHECK(read.at("messages").as_array().size() == 2);
  const auto& profile = read.at("requester_profile").as_object();
  CHECK(profile.at("phones").as_array() == boost::json::array{"+79161234567"});
  CHECK(profile.at("open_tickets").as_array().empty());
}

TEST_CASE("a repeat routed to another department is answered 201 with duplicate_of and counted as linked",
          "[api][requesters]") {
  ApiHarness api(repeat_rules());
  auto first = api.create(std::string(kFirst));
  auto refund = api.create(R"({"subject": "Refund please", "body": "I want a refund",
      "requester": {"name": "Ivan", "email": "ivan@example.com"}, "fields": {"order_id": "12345678"}})");
  CHECK(refund.at("merged") == false);
  CHECK(str(refund.at("department")) == "billing");
  CHECK(refund.at("duplicate_of") == first.at("id"));
  CHECK(str(refund.at("matched_by")) == "order_id");
  CHECK_THAT(api.get("/metrics").body,
             Catch::Contains(R"(triaged_tickets_total{channel="api",topic="refund",department="billing",)"
                             R"(outcome="linked"} 1)"));
}

TEST_CASE("the schema says which fields are remembered", "[api][requesters]") {
  std::string rules = replace_once(repeat_rules(), "    pattern: '^\\d{8}$'\n",
                                   "    pattern: '^\\d{8}$'\n  card:\n    type: string\n    remember: true\n");
  ApiHarness api(rules);
  auto schema = body_json(api.get("/api/v1/schema"));
  std::map<std::string, bool> remembered;
  for (const auto& f : schema.at("fields").as_array()) remembered[str(f.at("id"))] = f.at("remembered").as_bool();
  CHECK(remembered == std::map<std::string, bool>{
                          {"card", true}, {"email", true}, {"name", true}, {"order_id", false}, {"phone", true}});
}

TEST_CASE("a replayed merged request answers the same merge and adds nothing", "[api][requesters]") {
  ApiHarness api(repeat_rules());
  auto first = api.create(std::string(kFirst));
  Response once = api.post_json("/api/v1/tickets", std::string(kRepeat), {{"Idempotency-Key", "call-7"}});
  REQUIRE(once.status == 200);
  CHECK(once.header("Idempotent-Replayed").empty());
  Response twice = api.post_json("/api/v1/tickets", std::string(kRepeat), {{"Idempotency-Key", "call-7"}});
  REQUIRE(twice.status == 200);
  CHECK(twice.header("Idempotent-Replayed") == "true");
  CHECK(body_json(twice).at("merged") == true);
  CHECK(body_json(api.get(path_of(first))).at("messages").as_array().size() == 2);
}

TEST_CASE("classify fills a required phone from history and says where it came from", "[api][requesters]") {
  ApiHarness api(repeat_rules());
  auto first = api.create(std::string(kFirst));
  const std::string callback = R"({"body": "Please callback", "requester": {"email": "ivan@example.com"}})";
  auto d = body_json(api.post_json("/api/v1/classify", callback));
  CHECK(str(d.at("topic")) == "callback");
  CHECK(d.at("problems").as_array().empty());
  CHECK(str(d.at("fields").at("phone").at("source")) == "history");
  CHECK(str(d.at("fields").at("phone").at("from")) == str(first.at("ref")));
}

TEST_CASE("the requester lookup names a bad or missing key", "[api][requesters]") {
  ApiHarness api(repeat_rules());
  auto bad = api.get("/api/v1/requesters?phone=12&email=nope&name=x");
  REQUIRE(bad.status == 400);
  std::vector<std::string> fields;
  const auto problem = body_json(bad);
  for (const auto& e : problem.at("errors").as_array()) fields.push_back(str(e.at("field")));
  CHECK(fields == std::vector<std::string>{"name", "phone", "email"});
  auto none = api.get("/api/v1/requesters");
  REQUIRE(none.status == 400);
  CHECK(str(body_json(none).at("errors").as_array()[0].at("field")) == "phone|email");
  CHECK(api.get("/api/v1/requesters?email=nobody@example.com").status == 404);
}

TEST_CASE("the requester lookup answers null for nobody when asked with missing=null", "[api][requesters]") {
  ApiHarness api(repeat_rules());
  auto nobody = api.get("/api/v1/requesters?email=nobody@example.com&missing=null");
  REQUIRE(nobody.status == 200);
  CHECK(boost::json::parse(nobody.body).is_null());
  api.create(std::string(kFirst));
  auto known = api.get("/api/v1/requesters?phone=89161234567&missing=null");
  REQUIRE(known.status == 200);
  CHECK(str(body_json(known).at("name")) == "Ivan");
  auto bad = api.get("/api/v1/requesters?email=nobody@example.com&missing=404");
  REQUIRE(bad.status == 400);
  CHECK(str(body_json(bad).at("errors").as_array()[0].at("field")) == "missing");
}

TEST_CASE("staff link two tickets by hand and unlink them", "[api][requesters]") {
  ApiHarness api;
  auto a = api.create(std::string(kDeliveryJson));
  auto b = api.create(std::string(kDeliveryJson));
  Response linked = api.post_json(path_of(b, "link"),
                                  R"({"ticket": ")" + str(a.at("ref")) + R"(", "reason": "same order", "actor": "olga"})");
  REQUIRE(linked.status == 200);
  auto body = body_json(linked);
  CHECK(body.at("linked") == true);
  REQUIRE(body.at("links").as_array().size() == 1);
  CHECK(str(body.at("links").as_array()[0].at("kind")) == "duplicate_of");
  CHECK(str(body.at("links").as_array()[0].at("ref")) == str(a.at("ref")));
  auto other_side = body_json(api.get(path_of(a)));
  CHECK(str(other_side.at("links").as_array()[0].at("kind")) == "duplicated_by");

  Response unlinked = api.post_json(path_of(a, "link"), R"({"ticket": ")" + std::to_string(b.at("id").as_int64()) +
                                                            R"(", "unlink": true})");
  REQUIRE(unlinked.status == 200);
  CHECK(body_json(unlinked).at("unlinked") == true);
  CHECK(body_json(unlinked).at("links").as_array().empty());
}

TEST_CASE("a bad link request is a 422 naming each member", "[api][requesters]") {
  ApiHarness api;
  auto a = api.create(std::string(kDeliveryJson));
  auto codes = [&](const std::string& json) {
    Response res = api.post_json(path_of(a, "link"), json);
    INFO(res.body);
    REQUIRE(res.status == 422);
    std::vector<std::string> out;
    const auto problem = body_json(res);
    for (const auto& e : problem.at("errors").as_array()) out.push_back(str(e.at("field")) + ":" + str(e.at("code")));
    return out;
  };
  CHECK(codes(R"({})") == std::vector<std::string>{"ticket:missing"});
  CHECK(codes(R"({"ticket": "ZZZ-ZZZ", "kind": "sibling"})") == std::vector<std::string>{"kind:invalid", "ticket:unknown"});
  CHECK(codes(R"({"ticket": ")" + str(a.at("ref")) + R"("})") == std::vector<std::string>{"ticket:invalid"});
  CHECK(codes(R"({"ticket": 5, "colour": "red"})") == std::vector<std::string>{"colour:unknown", "ticket:type"});
  CHECK(api.post_json("/api/v1/tickets/999/link", R"({"ticket": "1"})").status == 404);
}

}  // namespace
}  // namespace triaged::testing
