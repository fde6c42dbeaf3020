// The `tests:` section: regression cases written next to the rules they pin down. Parsed as
// strictly as the rules themselves, since a misspelt `expect` key would silently test nothing.
#include <algorithm>
#include <cctype>
#include <map>

#include "spec_parser.h"

namespace triaged::rules {
namespace {

constexpr std::string_view kTestKeys[] = {"name", "ticket", "expect"};
constexpr std::string_view kTicketKeys[] = {"subject",   "body",   "channel", "topic",
                                            "requester", "fields", "headers"};
constexpr std::string_view kRequesterKeys[] = {"name", "email", "phone"};
constexpr std::string_view kExpectKeys[] = {"topic", "department", "priority", "missing",
                                            "invalid"};

std::string lower_ascii(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// `fields:` and `headers:` of a ticket: free-form names, string values.
std::map<std::string, std::string> string_map(const Entry& e, std::string_view context,
                                              const std::string& label, bool lower_keys,
                                              Reader& r) {
  std::map<std::string, std::string> out;
  auto m = r.mapping(e, context);
  if (!m) return out;
  const std::string inner = "in " + e.key + " of " + label;
  r.check_duplicates(*m, inner);
  for (const Entry& item : m->entries)
    if (auto value = r.string(item, inner))
      out[lower_keys ? lower_ascii(item.key) : item.key] = *value;
  return out;
}

routing::Ticket parse_ticket(const Entry& e, const std::string& label, Reader& r) {
  routing::Ticket t;
  auto m = r.mapping(e, "in " + label);
  if (!m) return t;
  const std::string context = "in ticket of " + label;
  r.check_keys(*m, context, kTicketKeys);
  auto text = [&](std::string_view key, std::string& into) {
    if (const Entry* f = m->find(key)) into = r.string(*f, context).value_or("");
  };
  text("subject", t.subject);
  text("body", t.body);
  text("channel", t.channel);
  text("topic", t.topic);
  if (const Entry* f = m->find("requester")) {
    if (auto requester = r.mapping(*f, context)) {
      const std::string inner = "in requester of " + label;
      r.check_keys(*requester, inner, kRequesterKeys);
      for (auto [key, into] :
           {std::pair{"name", &t.requester.name}, std::pair{"email", &t.requester.email},
            std::pair{"phone", &t.requester.phone}})
        if (const Entry* v = requester->find(key)) *into = r.string(*v, inner).value_or("");
    }
  }
  if (const Entry* f = m->find("fields")) t.fields = string_map(*f, context, label, false, r);
  if (const Entry* f = m->find("headers")) t.headers = string_map(*f, context, label, true, r);
  return t;
}

Expectation parse_expect(const Entry& e, const std::string& label, Reader& r) {
  Expectation x;
  auto m = r.mapping(e, "in " + label);
  if (!m) return x;
  const std::string context = "in expect of " + label;
  if (m->entries.empty())
    r.error(r.where(e),
            entry_name(e, "in " + label) +
                " needs at least one of: topic, department, priority, missing, invalid");
  r.check_keys(*m, context, kExpectKeys);
  if (const Entry* f = m->find("topic")) x.topic = r.string(*f, context);
  if (const Entry* f = m->find("department")) x.department = r.string(*f, context);
  if (const Entry* f = m->find("priority")) x.priority = parse_priority(*f, context, r);
  if (const Entry* f = m->find("missing")) x.missing = r.strings(*f, context);
  if (const Entry* f = m->find("invalid")) x.invalid = r.strings(*f, context);
  return x;
}

}  // namespace

std::vector<TestCase> parse_tests(const Entry& entry, Reader& r) {
  std::vector<TestCase> tests;
  auto items = r.sequence(entry, "at top level");
  if (!items) return tests;
  for (std::size_t i = 0; i < items->size(); ++i) {
    const YAML::Node& node = (*items)[i];
    const std::string number = "test #" + std::to_string(i + 1);
    auto m = r.mapping(node, node.IsNull() ? r.where(entry) : r.where(node), number);
    if (!m) continue;
    TestCase test{"#" + std::to_string(i + 1), number, r.where(node), {}, {}};
    if (const Entry* e = m->find("name")) {
      if (auto name = r.string(*e, "in " + number)) {
        test.name = *name;
        test.label = "test " + quote(*name);
      }
    }
    const std::string context = "in " + test.label;
    r.check_keys(*m, context, kTestKeys);
    if (const Entry* e = m->find("ticket"))
      test.ticket = parse_ticket(*e, test.label, r);
    else
      r.missing_key(*m, "ticket", context);
    if (const Entry* e = m->find("expect"))
      test.expect = parse_expect(*e, test.label, r);
    else
      r.missing_key(*m, "expect", context);
    tests.push_back(std::move(test));
  }
  return tests;
}

}  // namespace triaged::rules
