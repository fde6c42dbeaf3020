// The small rule set the daemon and e2e tests route against, so they do not depend on the
// shipped example's changing content. Three departments; two topics chosen by words plus a
// default; the topics' template needs order_id (eight digits), name, and a phone or an email.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace triaged::testing {

inline constexpr std::string_view kTestRules = R"(version: 1
name: "Test shop"
languages: [ru, en]
departments:
  logistics: { title: "Logistics" }
  billing: { title: "Billing" }
  support: { title: "Support" }
fields:
  order_id:
    title: "Order number"
    type: string
    pattern: '^\d{8}$'
templates:
  order_problem:
    required: [order_id, name]
    at_least_one_of: [[phone, email]]
topics:
  - id: delivery
    title: "Delivery"
    department: logistics
    template: order_problem
    priority: high
    sla: 24h
    when: { text: { words: [courier, delivery] } }
  - id: refund
    title: "Refund"
    department: billing
    template: order_problem
    priority: normal
    sla: 72h
    when: { text: { words: [refund] } }
  - id: other
    title: "Other"
    default: true
    department: support
# Tests post one requester's tickets again and again; repeats are merged only where a test
# turns this on (kRepeatRules).
duplicates: { action: off }
tests:
  - name: "a late courier is a delivery problem"
    ticket: { subject: "The courier is late", fields: { order_id: "12345678" } }
    expect: { topic: delivery, department: logistics }
)";

// A complete delivery ticket: every field its template needs.
inline constexpr std::string_view kDeliveryJson =
    R"({"subject": "The courier is late", "body": "Nobody came today",
        "requester": {"name": "Ivan", "email": "ivan@example.com"},
        "fields": {"order_id": "12345678"}})";

// 1-based number of the first line of `text` containing `needle`; 0 if none does.
inline int line_of(std::string_view text, std::string_view needle) {
  const std::size_t at = text.find(needle);
  if (at == std::string_view::npos) return 0;
  int line = 1;
  for (std::size_t i = 0; i < at; ++i) line += text[i] == '\n';
  return line;
}

// `text` with the first occurrence of `from` replaced by `to`; unchanged if absent.
inline std::string replace_once(std::string_view text, std::string_view from, std::string_view to) {
  std::string out(text);
  if (const std::size_t at = out.find(from); at != std::string::npos) out.replace(at, from.size(), to);
  return out;
}

}  // namespace triaged::testing
