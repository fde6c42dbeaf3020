// report_to_text(): `triagectl replay` for a terminal. The report itself is replay()'s
// (tests/daemon/replay_test.cpp); here one is written by hand, as replay() would fill it.
#include <catch2/catch.hpp>

#include "replay_text.h"

namespace triaged::testing {
namespace {

TEST_CASE("replay text lists the tickets a candidate would newly hold for data with their problems", "[replay]") {
  daemon::ReplayReport report;
  report.rules_name = "candidate";
  report.rules_version = "sha256:1234";
  report.total = 2;
  report.newly_incomplete = 2;
  report.department_transitions = {{"logistics", "logistics", 2, {}}};
  report.topic_transitions = {{"delivery", "delivery", 2, {}}};
  report.newly_incomplete_examples = {{"K7M-3QX", "delivery", {"phone missing"}}};
  const auto text = cli::report_to_text(report);
  CHECK_THAT(text, Catch::Contains("Replayed 2 tickets with \"candidate\" sha256:1234"));
  CHECK_THAT(text, Catch::Contains("Newly incomplete (would wait for data; first 1)"));
  CHECK_THAT(text, Catch::Contains("phone missing"));
  CHECK_THAT(text, Catch::Contains("K7M-3QX"));
}

}  // namespace
}  // namespace triaged::testing
