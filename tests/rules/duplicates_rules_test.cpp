// The requester parts of a rule set in YAML: `remember` on fields, the `duplicates` setting
// and a topic's own duplicate action, read into the spec, with mistakes reported where made.
#include "test_support.h"

using namespace triaged::rules::testing;
using triaged::routing::DuplicateAction;
using Messages = std::vector<std::string>;
using namespace std::chrono_literals;

namespace {

// Line 1..: a full rule set; `topic_extra` goes into topic delivery, `extra` at top level.
std::string rules_with(const std::string& topic_extra, const std::string& extra) {
  return R"(version: 1
name: "Test shop"
departments:
  logistics: { title: "Логистика" }
  support: { title: "Поддержка" }
fields:
  order_id: { type: string, pattern: '^\d{8}$' }
  card: { type: string, remember: true }
topics:
  - id: delivery
    department: logistics
)" + topic_extra + R"(    when:
      text: { words: ["курьер"] }
  - id: other
    default: true
    department: support
)" + extra;
}

}  // namespace

TEST_CASE("remember and duplicates and a topic's duplicate action are read into the spec", "[rules][duplicates]") {
  const auto spec = parse_ok(rules_with("    duplicates: link\n", R"(duplicates:
  window: 3d
  match: [order_id]
  action: merge
)"));
  REQUIRE(spec.fields.size() == 2);
  CHECK_FALSE(spec.fields[0].remember);
  CHECK(spec.fields[1].remember);
  CHECK(spec.duplicates.window == 72h);
  CHECK(spec.duplicates.match_fields == std::vector<std::string>{"order_id"});
  CHECK(spec.duplicates.action == DuplicateAction::merge);
  REQUIRE(spec.topics[0].duplicates);
  CHECK(*spec.topics[0].duplicates == DuplicateAction::link);
  CHECK_FALSE(spec.topics[1].duplicates);
}

TEST_CASE("without a duplicates section repeats merge within 7 days by topic only", "[rules][duplicates]") {
  const auto spec = parse_ok(rules_with("", ""));
  CHECK(spec.duplicates.window == 168h);
  CHECK(spec.duplicates.match_fields.empty());
  CHECK(spec.duplicates.action == DuplicateAction::merge);
}

TEST_CASE("a bad duplicates section is reported at its line with every problem", "[rules][duplicates]") {
  CHECK(parse_errors(rules_with("    duplicates: join\n", R"(duplicates:
  window: 7 days
  action: drop
  by: topic
)")) == Messages{
                   "rules.yaml:12:17: unknown duplicate action \"join\" for \"duplicates\" in topic \"delivery\" "
                   "(expected merge, link or off)",
                   "rules.yaml:21:3: unknown key \"by\" in \"duplicates\" (expected one of: window, match, action)",
                   "rules.yaml:19:11: invalid duration \"7 days\" for \"window\" in \"duplicates\" (expected whole "
                   "numbers with units d, h, m, s, largest first, like \"24h\", \"90m\" or \"1d12h\")",
                   "rules.yaml:20:11: unknown duplicate action \"drop\" for \"action\" in \"duplicates\" "
                   "(expected merge, link or off)"});
}

TEST_CASE("a match field the rule set does not know fails to load", "[rules][duplicates]") {
  const std::string yaml = rules_with("", "duplicates:\n  match: [order_number]\n");
  auto loaded = triaged::rules::parse_rules_text(yaml, "rules.yaml");
  REQUIRE(loaded);
  auto built = triaged::routing::build_rule_set(*loaded);
  REQUIRE_FALSE(built);
  CHECK(messages(built.error()) == Messages{"rules.yaml:17:1: duplicates: unknown match field \"order_number\""});
}
