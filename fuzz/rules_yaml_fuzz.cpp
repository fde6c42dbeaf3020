// load_rules_text() on any bytes: never crashes; a refusal lists located errors; a rule set it
// returns lints, and routes a few tickets to topics and departments it has.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_check.h"
#include "rules/lint.h"
#include "rules/rules.h"

namespace {

using triaged::fuzz::check;
namespace routing = triaged::routing;

routing::Ticket ticket(const char* subject, const char* body) {
  routing::Ticket t;
  t.subject = subject;
  t.body = body;
  t.channel = "web";
  t.requester.email = "anna@example.ru";
  t.fields["order_id"] = "40718263";
  t.headers["from"] = "anna@example.ru";
  return t;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto loaded = triaged::rules::load_rules_text(text, "fuzz.yaml");
  if (!loaded) {
    check(!loaded.error().empty(), "a refused rule set says why");
    for (const auto& d : loaded.error()) check(!d.to_string().empty(), "every error has a message");
    return 0;
  }
  check(loaded->rules != nullptr, "a loaded rule set is there");
  for (const auto& w : triaged::rules::lint_rules(*loaded)) check(!w.code.empty(), "a lint warning has a code");

  const routing::RuleSet& rules = *loaded->rules;
  using namespace std::chrono;
  const auto now = sys_days{year{2026} / March / 2} + hours{9};
  routing::Ticket tickets[] = {
      ticket("Курьер не приехал", "Заказ 40718263 так и не привезли, курьер не звонил. +7 916 204-37-81"),
      ticket("Refund for order 12345678", "I was charged twice, please refund. Wrong item в заказе"),
      ticket("", ""),
  };
  if (!rules.spec().topics.empty()) tickets[2].topic = rules.spec().topics.front().id;
  for (const auto& t : tickets) {
    const routing::Decision d = routing::route(rules, t, now);
    check(rules.has_topic(d.topic), "route() decides on a topic of the rule set", d.topic);
    check(!d.department.empty(), "route() names a department");
  }
  return 0;
}
