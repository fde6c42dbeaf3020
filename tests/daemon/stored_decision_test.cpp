// What a stored ticket keeps of its routing decision: every tried topic, and in each only the
// conditions that held with what they matched. classify shows every evaluated condition.
#include <catch2/catch.hpp>

#include "api_harness.h"

namespace triaged::testing {
namespace {

// "refund" is tried on any mention of money but needs the card or account it goes back to;
// without one, "delivery" takes the ticket.
constexpr std::string_view kRules = R"(version: 1
name: "Stored trace"
languages: [en]
departments:
  logistics: { title: "Logistics" }
  billing: { title: "Billing" }
  support: { title: "Support" }
topics:
  - id: refund
    title: "Refund"
    department: billing
    when:
      all:
        - text: { words: [money, refund] }
        - text: { words: [card, account] }
  - id: delivery
    title: "Delivery"
    department: logistics
    when: { text: { words: [courier, parcel] } }
  - id: other
    title: "Other"
    default: true
    department: support
)";

constexpr std::string_view kTicket = R"({"subject": "Money back?", "body": "The courier never came"})";

std::vector<std::string> condition_paths(const boost::json::value& topic) {
  std::vector<std::string> out;
  for (const auto& c : topic.at("conditions").as_array()) out.push_back(str(c.at("path")));
  return out;
}

}  // namespace

TEST_CASE("a stored ticket keeps only the conditions that held for each topic tried", "[api]") {
  ApiHarness api(kRules);
  const auto created = api.post_json("/api/v1/tickets", std::string(kTicket));
  REQUIRE(created.status == 201);
  const auto stored = body_json(created).at("decision");
  CHECK(str(stored.at("topic")) == "delivery");
  const auto& trace = stored.at("trace").as_array();
  REQUIRE(trace.size() == 2);
  CHECK(str(trace.at(0).at("topic")) == "refund");
  CHECK(trace.at(0).at("matched").as_bool() == false);
  // The money condition held and is kept; the card/account one failed and is not.
  CHECK(condition_paths(trace.at(0)) == std::vector<std::string>{"refund/when.all[0]"});
  CHECK(str(trace.at(1).at("topic")) == "delivery");
  CHECK(str(trace.at(1).at("conditions").at(0).at("matches").at(0).at("text")) == "courier");

  const auto classified = body_json(api.post_json("/api/v1/classify", std::string(kTicket)));
  CHECK(condition_paths(classified.at("trace").at(0)) ==
        std::vector<std::string>{"refund/when.all[0]", "refund/when.all[1]"});
}

}  // namespace triaged::testing
