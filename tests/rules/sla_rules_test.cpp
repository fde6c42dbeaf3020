// The SLA parts of a rule set in YAML: first_response, priorities, calendar and escalations,
// read into the spec, and every mistake in them reported at its line and column.
#include "routing/sla.h"
#include "test_support.h"

using namespace triaged::rules::testing;
using triaged::routing::EscalationAction;
using triaged::routing::Priority;
using triaged::routing::SlaKind;
using Messages = std::vector<std::string>;
using namespace std::chrono_literals;

namespace {

// kPreamble plus one delivery topic and the default topic; `extra` is appended at top level.
std::string rules_with(const std::string& topic_extra, const std::string& extra) {
  return std::string(kPreamble) + R"(topics:
  - id: delivery
    department: logistics
    sla: 24h
)" + topic_extra + R"(    when:
      text: { words: ["курьер"] }
  - id: other
    default: true
    department: support
)" + extra;
}

constexpr const char kFullSla[] = R"(calendar:
  time_zone: Europe/Moscow
  working_days: [mon, tue, wed, thu, fri]
  hours: ["09:00-13:00", "14:00-18:00"]
  holidays: [2027-01-01, "2027-01-07"]
priorities:
  urgent: { first_response: 30m, sla: 4h }
escalations:
  - id: remind-assignee
    of: first_response
    at: 80%
    action: notify_assignee
  - id: tell-head
    at: 100%
    action: notify_head
  - id: to-support
    at: 150%
    action: reassign
    to: support
  - id: page-ops
    at: 100%
    action: webhook
    url: https://ops.example/hooks/triaged
    secret_env: OPS_HOOK_SECRET
)";

}  // namespace

TEST_CASE("a rule set with calendar - priorities and escalations loads", "[rules][sla]") {
  auto loaded = load_ok(rules_with("    first_response: 2h\n", kFullSla));
  const auto& spec = loaded.rules->spec();
  REQUIRE(spec.calendar);
  CHECK(spec.calendar->time_zone == "Europe/Moscow");
  CHECK(spec.calendar->working_days == std::vector<int>{1, 2, 3, 4, 5});
  REQUIRE(spec.calendar->hours.size() == 2);
  CHECK(spec.calendar->hours[1].start_minute == 14 * 60);
  CHECK(spec.calendar->hours[1].end_minute == 18 * 60);
  REQUIRE(spec.calendar->holidays.size() == 2);
  CHECK(spec.calendar->holidays[1].day == 7);
  CHECK(spec.topics[0].first_response == 2h);
  REQUIRE(spec.priority_slas.size() == 1);
  CHECK(spec.priority_slas[0].priority == Priority::urgent);
  CHECK(spec.priority_slas[0].resolution == 4h);
  REQUIRE(spec.escalations.size() == 4);
  CHECK(spec.escalations[0].sla == SlaKind::first_response);
  CHECK(spec.escalations[0].percent == 80);
  CHECK(spec.escalations[1].sla == SlaKind::resolution);
  CHECK(spec.escalations[1].action == EscalationAction::notify_head);
  CHECK(spec.escalations[2].department == "support");
  CHECK(spec.escalations[3].url == "https://ops.example/hooks/triaged");
  CHECK(spec.escalations[3].secret_env == "OPS_HOOK_SECRET");
  CHECK(spec.escalations[3].where == "rules.yaml:40:5");
  CHECK_FALSE(triaged::routing::business_calendar(*loaded.rules).counts_every_second());
}

TEST_CASE("a department may name its head by email", "[rules][sla]") {
  auto spec = parse_ok(R"(version: 1
name: n
departments:
  logistics: { title: "Логистика", head: "head.logistics@shop.example" }
topics: []
)");
  CHECK(spec.departments[0].head == "head.logistics@shop.example");
}

TEST_CASE("calendar mistakes are located in the file", "[rules][sla]") {
  CHECK(load_errors("unknown-time-zone.yaml").at(0).rfind(
            "unknown-time-zone.yaml:27:1: calendar: unknown time zone \"Europe/Atlantis\"", 0) == 0);
  CHECK(load_errors("bad-working-hours.yaml") ==
        Messages{"bad-working-hours.yaml:30:10: invalid working hours \"9-18\" in calendar (expected "
                 "\"HH:MM-HH:MM\", like \"09:00-18:00\")"});
  CHECK(parse_errors(rules_with("", R"(calendar:
  time_zone: UTC
  working_days: [mon, funday]
  holidays: [2027-1-1]
)")) == Messages{"rules.yaml:21:3: missing required key \"hours\" in calendar",
                 "rules.yaml:22:17: unknown working day \"funday\" in calendar (expected mon, tue, wed, "
                 "thu, fri, sat or sun)",
                 "rules.yaml:23:13: invalid holiday \"2027-1-1\" in calendar (expected a date as YYYY-MM-DD)"});
}

TEST_CASE("escalation level mistakes are located in the file", "[rules][sla]") {
  CHECK(load_errors("reassign-without-department.yaml") ==
        Messages{"reassign-without-department.yaml:28:5: missing required key \"to\" in escalation \"move\""});
  CHECK(load_errors("reassign-to-unknown-department.yaml") ==
        Messages{"reassign-to-unknown-department.yaml:28:5: escalation \"move\": reassign to unknown "
                 "department \"warehouse\""});
  CHECK(parse_errors(rules_with("", R"(escalations:
  - id: a
    at: 80
    of: response
    action: notify_boss
  - id: b
    at: 100%
    action: notify_head
    url: https://example.org/
  - at: 50%
)")) == Messages{
                 "rules.yaml:22:9: invalid share \"80\" for \"at\" in escalation \"a\" (expected a whole "
                 "percentage of the SLA, like \"80%\" or \"150%\")",
                 "rules.yaml:23:9: unknown SLA \"response\" for \"of\" in escalation \"a\" (expected "
                 "first_response or resolution)",
                 "rules.yaml:24:13: unknown action \"notify_boss\" in escalation \"a\" (expected one of: "
                 "notify_assignee, notify_head, reassign, webhook)",
                 "rules.yaml:28:5: \"url\" in escalation \"b\" belongs to webhook levels only",
                 "rules.yaml:29:5: missing required key \"id\" in escalation #3",
                 "rules.yaml:29:5: missing required key \"action\" in escalation #3",
             });
}

TEST_CASE("first_response and priority SLAs are durations", "[rules][sla]") {
  CHECK(parse_errors(rules_with("    first_response: soon\n", R"(priorities:
  urgent: { sla: 4 hours }
  critical: { sla: 1h }
)")) == Messages{
                 "rules.yaml:15:21: invalid duration \"soon\" for \"first_response\" in topic \"delivery\" "
                 "(expected whole numbers with units d, h, m, s, largest first, like \"24h\", \"90m\" or "
                 "\"1d12h\")",
                 "rules.yaml:22:18: invalid duration \"4 hours\" for \"sla\" in priority \"urgent\" "
                 "(expected whole numbers with units d, h, m, s, largest first, like \"24h\", \"90m\" or "
                 "\"1d12h\")",
                 "rules.yaml:23:3: unknown priority \"critical\" in \"priorities\" (expected one of: low, "
                 "normal, high, urgent)",
             });
}

TEST_CASE("an escalation webhook must be http or https", "[rules][sla]") {
  auto loaded = triaged::rules::load_rules_text(rules_with("", R"(escalations:
  - { id: hook, at: 100%, action: webhook, url: "mailto:ops@example.org" }
)"),
                                                "rules.yaml");
  REQUIRE_FALSE(loaded);
  CHECK(messages(loaded.error()) ==
        Messages{"rules.yaml:21:5: escalation \"hook\": webhook URL \"mailto:ops@example.org\" must start "
                 "with http:// or https://"});
}
