// replay(): stored tickets routed again by a candidate rule set, compared with where they
// are now. Tickets come in through the API, so they are stored exactly as the daemon does.
#include <catch2/catch.hpp>

#include "api_harness.h"
#include "common/replay.h"

namespace triaged::testing {
namespace {

std::shared_ptr<const routing::RuleSet> candidate(const std::string& yaml) {
  auto loaded = rules::load_rules_text(yaml, "candidate.yaml");
  if (!loaded) FAIL("candidate does not load: " << loaded.error().front().to_string());
  return loaded->rules;
}

daemon::ReplayReport run(ApiHarness& api, const routing::RuleSet& rules, daemon::ReplayOptions options = {}) {
  auto report = daemon::replay(api.store(), rules, options);
  REQUIRE(report);
  return *report;
}

TEST_CASE("replay with the same rules changes nothing", "[replay]") {
  ApiHarness api;
  for (int i = 0; i < 3; ++i) api.create(std::string(kDeliveryJson));
  api.create(R"({"subject": "Opening hours?"})");
  const auto report = run(api, *candidate(std::string(kTestRules)));
  CHECK(report.total == 4);
  CHECK(report.topic_changed == 0);
  CHECK(report.department_changed == 0);
  CHECK(report.newly_incomplete == 0);
  REQUIRE(report.department_transitions.size() == 2);
  CHECK(report.department_transitions[0].from == "logistics");
  CHECK(report.department_transitions[0].to == "logistics");
  CHECK(report.department_transitions[0].tickets == 3);
  CHECK(report.department_transitions[0].examples.empty());
  const auto json = daemon::report_to_json(report);
  CHECK(json.at("department_transitions").as_array().empty());
  CHECK(json.at("department_matrix").at("logistics").at("logistics").as_int64() == 3);
}

TEST_CASE("replay counts tickets a stricter template would newly hold for data", "[replay]") {
  ApiHarness api;
  const auto first = api.create(std::string(kDeliveryJson));
  api.create(std::string(kDeliveryJson));
  const auto report =
      run(api, *candidate(replace_once(kTestRules, "required: [order_id, name]", "required: [order_id, name, phone]")),
          {.examples = 1});
  CHECK(report.total == 2);
  CHECK(report.newly_incomplete == 2);
  CHECK(report.department_changed == 0);
  REQUIRE(report.newly_incomplete_examples.size() == 1);
  CHECK(report.newly_incomplete_examples[0].topic == "delivery");
  CHECK(report.newly_incomplete_examples[0].problems == std::vector<std::string>{"phone missing"});
  // Newest first: the second ticket is the example.
  CHECK(report.newly_incomplete_examples[0].ref != str(first.at("ref")));
}

TEST_CASE("replay counts a ticket waiting for data that the candidate finds complete", "[replay]") {
  ApiHarness api;
  storage::NewTicket waiting;
  waiting.ticket.subject = "Opening hours?";
  waiting.ticket.channel = "email";
  waiting.topic = "delivery";
  waiting.department = "logistics";
  waiting.status = "needs_info";
  waiting.received_at = test_epoch();
  waiting.decision_json = "{}";
  REQUIRE(api.store().create_and_wait(waiting));
  const auto report = run(api, *candidate(std::string(kTestRules)));
  CHECK(report.newly_complete == 1);
  CHECK(report.topic_changed == 1);
  CHECK(report.department_changed == 1);
  REQUIRE(report.topic_transitions.size() == 1);
  CHECK(report.topic_transitions[0].from == "delivery");
  CHECK(report.topic_transitions[0].to == "other");
  CHECK(report.topic_transitions[0].examples.size() == 1);
}

TEST_CASE("replay keeps an operator topic while the candidate has it and classifies otherwise", "[replay]") {
  ApiHarness api;
  api.create(R"({"subject": "The courier is late", "topic": "refund", "requester": {"name": "Ivan",
                 "email": "ivan@example.com"}, "fields": {"order_id": "12345678"}})");
  CHECK(run(api, *candidate(std::string(kTestRules))).topic_changed == 0);
  const auto renamed = run(api, *candidate(replace_once(kTestRules, "  - id: refund\n", "  - id: refunds\n")));
  CHECK(renamed.operator_topic_gone == 1);
  CHECK(renamed.topic_changed == 1);
  REQUIRE(renamed.topic_transitions.size() == 1);
  CHECK(renamed.topic_transitions[0].to == "delivery");
}

TEST_CASE("replay honours the limit newest first and reports progress", "[replay]") {
  ApiHarness api;
  for (int i = 0; i < 7; ++i) api.create(std::string(kDeliveryJson));
  std::vector<std::pair<std::int64_t, std::int64_t>> calls;
  daemon::ReplayOptions options;
  options.limit = 5;
  options.progress_every = 2;
  options.progress = [&](std::int64_t done, std::int64_t total) { calls.emplace_back(done, total); };
  const auto report = run(api, *candidate(std::string(kTestRules)), options);
  CHECK(report.total == 5);
  using Calls = std::vector<std::pair<std::int64_t, std::int64_t>>;
  CHECK(calls == Calls{{2, 5}, {4, 5}, {5, 5}});
}

}  // namespace
}  // namespace triaged::testing
