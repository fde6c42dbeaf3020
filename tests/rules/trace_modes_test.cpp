#include <algorithm>
// The match index must never change a decision: on the example rule set and every public
// sample ticket, route() trying only candidate topics and route() trying every topic pick the
// same topic through the same conditions. This is the whole-system check behind the unit
// cases in tests/routing/match_index_test.cpp.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <fstream>

#include "test_support.h"

using namespace triaged;
using namespace triaged::rules;

namespace {

std::vector<routing::Ticket> public_samples() {
  std::vector<routing::Ticket> out;
  std::ifstream in(std::string(TRIAGED_SOURCE_DIR) + "/../shared/samples/eshop-ru/tickets.public.jsonl");
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    const auto o = boost::json::parse(line).as_object();
    routing::Ticket t;
    t.subject = boost::json::value_to<std::string>(o.at("subject"));
    t.body = boost::json::value_to<std::string>(o.at("body"));
    t.channel = "web";
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace

TEST_CASE("the example rules pick the same topic by the same conditions whether or not every topic is tried",
          "[rules][index]") {
  const auto loaded = load_rules_file(std::string(TRIAGED_SOURCE_DIR) + "/examples/eshop-ru/rules.yaml");
  REQUIRE(loaded);
  std::vector<routing::Ticket> tickets = public_samples();
  REQUIRE(tickets.size() >= 40);
  // Each sample again with its subject and body swapped and with the body alone, so topics
  // are reached through other keywords and regexes than in the originals.
  const std::size_t originals = tickets.size();
  for (std::size_t i = 0; i < originals; ++i) {
    routing::Ticket swapped = tickets[i];
    std::swap(swapped.subject, swapped.body);
    tickets.push_back(swapped);
    routing::Ticket body_only = tickets[i];
    body_only.subject.clear();
    tickets.push_back(body_only);
  }
  const auto now = std::chrono::system_clock::time_point(std::chrono::hours(500000));
  std::size_t by_rules = 0;
  for (const auto& t : tickets) {
    INFO(t.subject << " / " << t.body);
    const auto fast = routing::route(*loaded->rules, t, now);
    const auto full = routing::route(*loaded->rules, t, now, routing::Trace::every_topic);
    CHECK(fast.topic == full.topic);
    CHECK(fast.trace.size() <= full.trace.size());
    if (fast.source != routing::TopicSource::rules) continue;
    ++by_rules;
    CHECK(fast.runner_up == full.runner_up);
    const auto winner = [](const routing::Decision& d) -> const routing::TopicTrace& {
      return *std::find_if(d.trace.begin(), d.trace.end(), [&](const auto& t) { return t.topic == d.topic; });
    };
    const auto& a = winner(fast).conditions;
    const auto& b = winner(full).conditions;
    REQUIRE(a.size() == b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
      CHECK(a[i].path == b[i].path);
      CHECK(a[i].matched == b[i].matched);
      CHECK(a[i].matches.size() == b[i].matches.size());
    }
  }
  CHECK(by_rules >= originals);  // the check means something only if rules decide most tickets
}
