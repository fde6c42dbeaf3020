// issue 17: what a strict server refuses in a request's content, naming the member: a JSON
// object naming a member twice, a NUL in any text, a form key or query parameter given twice
// (common/strict_json.h, intake/ticket_input.h and the query parsing of http/api.cpp).
#include <string>

#include "api_harness.h"
#include "common/strict_json.h"

namespace triaged::testing {
namespace {

using daemon::strict_json_problem;

std::string first_field(const boost::json::object& problem) {
  return str(problem.at("errors").as_array().at(0).at("field"));
}

TEST_CASE("strict_json_problem names a repeated member by its path and passes a strict body", "[strict]") {
  CHECK_FALSE(strict_json_problem(R"({"a": 1, "b": {"a": 2}, "c": [{"a": 1}, {"a": 2}]})"));
  auto top = strict_json_problem(R"({"topic": "nonexistent", "topic": "other"})");
  REQUIRE(top);
  CHECK(top->field == "topic");
  CHECK(top->code == "duplicate");
  auto nested = strict_json_problem(R"({"requester": {"name": "a", "name": "b"}})");
  REQUIRE(nested);
  CHECK(nested->field == "requester.name");
  auto escaped = strict_json_problem(R"({"a": 1, "\u0061": 2})");
  REQUIRE(escaped);
  CHECK(escaped->field == "a");
}

TEST_CASE("strict_json_problem finds a NUL in a string or a member name", "[strict]") {
  auto value = strict_json_problem(R"({"fields": {"product": "tea\u0000"}})");
  REQUIRE(value);
  CHECK(value->field == "fields.product");
  CHECK(value->code == "invalid");
  CHECK(strict_json_problem(R"({"fields": {"pro\u0000duct": "tea"}})"));
}

TEST_CASE("a ticket naming a member twice is a 400 naming the member and stores nothing", "[strict]") {
  ApiHarness api;
  auto p = problem_of(api.post_json("/api/v1/tickets", R"({"subject": "s", "topic": "nonexistent", "topic": "delivery"})"), 400);
  CHECK(first_field(p) == "topic");
  CHECK(str(p.at("detail")).find("more than once") != std::string::npos);
  problem_of(api.post_json("/api/v1/classify", R"({"body": "a", "requester": {"email": "a@b.c", "email": "d@e.f"}})"), 400);
}

TEST_CASE("a NUL in a ticket's text is refused naming the field", "[strict]") {
  ApiHarness api;
  auto p = problem_of(api.post_json("/api/v1/tickets", R"({"subject": "The courier\u0000 is late", "body": "x"})"), 400);
  CHECK(first_field(p) == "subject");
  p = problem_of(api.post_form("/api/v1/tickets", "subject=late&body=x&name=Iv%00an"), 400);
  CHECK(first_field(p) == "requester.name");
}

TEST_CASE("a NUL in a ticket action is refused naming the member", "[strict]") {
  ApiHarness api;
  auto created = api.create(std::string(kDeliveryJson));
  const std::string claim = "/api/v1/tickets/" + std::to_string(created.at("id").as_int64()) + "/claim";
  auto p = problem_of(api.post_json(claim, R"({"assignee": "ol\u0000ga"})"), 400);
  CHECK(first_field(p) == "assignee");
  problem_of(api.post_json(claim, R"({"assignee": "olga", "assignee": "ivan"})"), 400);
}

TEST_CASE("a form key given twice under any of its spellings is refused", "[strict]") {
  ApiHarness api;
  auto p = problem_of(api.post_form("/api/v1/tickets", "subject=late&body=x&name=Ivan&requester%5Bname%5D=Oleg"), 400);
  CHECK(first_field(p) == "requester.name");
  p = problem_of(api.post_form("/api/v1/tickets", "subject=late&fields%5Border_id%5D=1&order_id=2"), 400);
  CHECK(first_field(p) == "fields.order_id");
  p = problem_of(api.post_form("/api/v1/tickets", "topic=delivery&topic=billing&subject=x"), 400);
  CHECK(first_field(p) == "topic");
}

TEST_CASE("a query parameter given twice or holding a NUL is a 400 naming it", "[strict]") {
  ApiHarness api;
  auto p = problem_of(api.get("/api/v1/tickets?status=new&status=closed"), 400);
  CHECK(first_field(p) == "status");
  p = problem_of(api.get("/api/v1/requesters?phone=8916%001234567"), 400);
  CHECK(first_field(p) == "phone");
}

}  // namespace
}  // namespace triaged::testing
