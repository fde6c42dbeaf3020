// SLA targets, deadlines in route() and the escalation levels due for an open ticket.
#include <catch2/catch.hpp>

#include <chrono>

#include "routing/sla.h"
#include "spec_builder.h"

namespace {

using namespace std::chrono;
using namespace triaged::routing;
using namespace triaged::routing::testing;

system_clock::time_point utc(int y, unsigned m, unsigned d, int h, int min = 0) {
  return sys_days{year{y} / month{m} / day{d}} + hours{h} + minutes{min};
}

EscalationSpec level(std::string id, SlaKind sla, int percent, EscalationAction action) {
  EscalationSpec e;
  e.id = std::move(id);
  e.sla = sla;
  e.percent = percent;
  e.action = action;
  e.department = "support";
  e.where = "test";
  return e;
}

// Office hours 09:00-18:00 UTC on weekdays; "delivery" has a 2h first response and a 16h
// resolution SLA; levels at 80% of the first response, 100% and 150% of the resolution.
RuleSetSpec office_spec() {
  RuleSetSpec s = base_spec();
  s.calendar = CalendarSpec{"UTC", {1, 2, 3, 4, 5}, {{9 * 60, 18 * 60}}, {}, "test"};
  TopicSpec delivery = topic("delivery", "logistics", words("text", {"курьер"}));
  delivery.sla = hours{16};
  delivery.first_response = hours{2};
  s.topics.push_back(delivery);
  s.escalations = {level("remind", SlaKind::first_response, 80, EscalationAction::notify_assignee),
                   level("overdue", SlaKind::resolution, 100, EscalationAction::notify_head),
                   level("move", SlaKind::resolution, 150, EscalationAction::reassign)};
  return s;
}

// 2027-01-04 is a Monday.
const auto kMonday9 = utc(2027, 1, 4, 9);

std::vector<std::string> due_ids(const RuleSet& rules, const SlaClock& clock, system_clock::time_point now) {
  std::vector<std::string> out;
  for (const DueEscalation& due : due_escalations(rules, clock, now)) out.push_back(due.level.id);
  return out;
}

}  // namespace

TEST_CASE("route counts the due time in the business calendar", "[routing][sla]") {
  auto rules = build(office_spec());
  // Friday 17:00: one hour that day, 15 more from Monday 09:00 = Tuesday 15:00.
  const Decision d = route(*rules, ticket("курьер не приехал"), utc(2027, 1, 8, 17));
  CHECK(d.sla == hours{16});
  CHECK(d.due_at == utc(2027, 1, 12, 15));
  CHECK(d.first_response == hours{2});
  CHECK(d.first_response_due_at == utc(2027, 1, 11, 10));
}

TEST_CASE("a topic without its own SLA takes its priority's defaults", "[routing][sla]") {
  RuleSetSpec s = base_spec();
  TopicSpec urgent = topic("outage", "support", words("text", {"авария"}));
  urgent.priority = Priority::urgent;
  urgent.first_response = minutes{15};
  s.topics.push_back(urgent);
  s.priority_slas = {{Priority::urgent, hours{1}, hours{4}, "test"}};
  auto rules = build(s);
  const SlaTargets t = sla_targets(*rules, "outage", Priority::urgent);
  CHECK(t.first_response == minutes{15});  // the topic's own wins
  CHECK(t.resolution == hours{4});         // the priority's fills in
  const Decision d = route(*rules, ticket("авария"), kNow);
  CHECK(d.due_at == kNow + hours{4});
  CHECK(sla_targets(*rules, "other", Priority::normal).resolution == seconds{0});
}

TEST_CASE("escalation levels become due at their share of the SLA in working time", "[routing][sla]") {
  auto rules = build(office_spec());
  SlaClock clock{"delivery", Priority::normal, kMonday9, std::nullopt, {}};
  struct Row {
    const char* what;
    system_clock::time_point now;
    std::vector<std::string> due;
  };
  const Row rows[] = {
      {"nothing at the start", kMonday9, {}},
      {"80% of 2h is 96 minutes: not yet at 10:35", utc(2027, 1, 4, 10, 35), {}},
      {"the reminder at 10:36", utc(2027, 1, 4, 10, 36), {"remind"}},
      {"16h of work ends Tuesday 16:00, not Tuesday 01:00", utc(2027, 1, 5, 15, 59), {"remind"}},
      {"overdue at Tuesday 16:00", utc(2027, 1, 5, 16), {"remind", "overdue"}},
      {"150% is 24h of work: Wednesday 15:00", utc(2027, 1, 6, 15), {"remind", "overdue", "move"}},
  };
  for (const Row& row : rows) {
    INFO(row.what);
    CHECK(due_ids(*rules, clock, row.now) == row.due);
  }
}

TEST_CASE("a level already fired or a first response given is not due again", "[routing][sla]") {
  auto rules = build(office_spec());
  const auto late = utc(2027, 1, 8, 12);
  SlaClock clock{"delivery", Priority::normal, kMonday9, std::nullopt, {"remind", "overdue"}};
  CHECK(due_ids(*rules, clock, late) == std::vector<std::string>{"move"});
  clock.fired.clear();
  clock.first_response_at = utc(2027, 1, 4, 9, 30);
  CHECK(due_ids(*rules, clock, late) == std::vector<std::string>{"overdue", "move"});
}

TEST_CASE("a due escalation says when its threshold and the deadline passed", "[routing][sla]") {
  auto rules = build(office_spec());
  SlaClock clock{"delivery", Priority::normal, kMonday9, std::nullopt, {"remind", "overdue"}};
  const auto due = due_escalations(*rules, clock, utc(2027, 1, 8, 12));
  REQUIRE(due.size() == 1);
  CHECK(due[0].level.action == EscalationAction::reassign);
  CHECK(due[0].threshold_at == utc(2027, 1, 6, 15));
  CHECK(due[0].deadline_at == utc(2027, 1, 5, 16));
}

TEST_CASE("a ticket whose topic has no SLA never escalates", "[routing][sla]") {
  auto rules = build(office_spec());
  SlaClock clock{"other", Priority::normal, kMonday9, std::nullopt, {}};
  CHECK(due_ids(*rules, clock, utc(2030, 1, 1, 12)).empty());
}

TEST_CASE("escalation level mistakes are reported at the level", "[routing][sla]") {
  RuleSetSpec s = office_spec();
  s.escalations.push_back(level("move", SlaKind::resolution, 0, EscalationAction::reassign));
  s.escalations.back().department = "nowhere";
  EscalationSpec hook = level("hook", SlaKind::resolution, 100, EscalationAction::webhook);
  hook.url = "ftp://example.org/";
  s.escalations.push_back(hook);
  s.departments[0].head = "not-an-address";
  s.priority_slas = {{Priority::high, hours{1}, hours{2}, "p1"}, {Priority::high, hours{1}, hours{2}, "p2"}};
  s.topics.push_back(default_topic("other", "support"));
  auto built = build_rule_set(s);
  REQUIRE_FALSE(built);
  std::vector<std::string> messages;
  for (const auto& d : built.error()) messages.push_back(d.to_string());
  CHECK(messages == std::vector<std::string>{
                        "p2: priority \"high\" has SLA defaults twice",
                        "test: department \"logistics\": head \"not-an-address\" is not an email address",
                        "test: duplicate escalation \"move\"",
                        "test: escalation \"move\": `at` must be from 1% to 1000%, got 0%",
                        "test: escalation \"move\": reassign to unknown department \"nowhere\"",
                        "test: escalation \"hook\": webhook URL \"ftp://example.org/\" must start with http:// or https://",
                    });
}

TEST_CASE("an escalation id with a line break is rejected", "[routing][sla]") {
  RuleSetSpec s = office_spec();
  s.escalations[0].id = "re\nmind";
  s.topics.push_back(default_topic("other", "support"));
  auto built = build_rule_set(s);
  REQUIRE_FALSE(built);
  CHECK(built.error().at(0).to_string() == "test: escalation \"re\nmind\": ids may not contain spaces or line breaks");
}
