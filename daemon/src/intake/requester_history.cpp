#include "intake/requester_history.h"

#include <set>

#include <spdlog/spdlog.h>

#include "identity/normalize.h"
#include "routing/rule_spec.h"

namespace triaged::daemon {
namespace {

const std::string& given(const routing::Ticket& t, const std::string& requester_value, const char* field) {
  if (!requester_value.empty()) return requester_value;
  static const std::string kNone;
  auto it = t.fields.find(field);
  return it == t.fields.end() ? kNone : it->second;
}

}  // namespace

storage::RequesterKeys requester_keys(const routing::Ticket& ticket) {
  storage::RequesterKeys keys;
  if (auto email = identity::normalize_email(given(ticket, ticket.requester.email, "email"))) keys.email = *email;
  if (auto phone = identity::normalize_phone(given(ticket, ticket.requester.phone, "phone"))) keys.phone = *phone;
  return keys;
}

RoutedWithHistory route_with_history(storage::RequesterStore& store, const routing::RuleSet& rules,
                                     routing::Ticket& ticket, std::chrono::system_clock::time_point now) {
  RoutedWithHistory out;
  const storage::RequesterKeys keys = requester_keys(ticket);
  if (!keys.empty()) {
    auto found = store.find_requester(keys);
    if (!found) spdlog::warn("requester lookup failed, routing without history: {}", found.error().message);
    else out.profile = std::move(*found);
  }
  if (out.profile) {
    for (const auto& [field, v] : out.profile->values) ticket.known[field] = routing::KnownValue{v.value, v.ticket_ref};
  }
  out.decision = routing::route(rules, ticket, now);
  return out;
}

void add_requester_parts(storage::NewTicket& nt, const routing::RuleSet& rules, const routing::Decision& decision) {
  nt.requester_keys = requester_keys(nt.ticket);
  std::set<std::string> remembered{"name", "email", "phone"};
  for (const auto& f : rules.spec().fields)
    if (f.remember) remembered.insert(f.id);
  // What this ticket gave, not what history lent it: a value is re-stamped only by its owner.
  for (const auto& [id, f] : decision.fields)
    if (remembered.count(id) && f.source != "history") nt.remember[id] = f.value;
  if (!nt.ticket.requester.name.empty()) nt.remember["name"] = nt.ticket.requester.name;
  const routing::DuplicateCheck& check = decision.duplicates;
  if (check.action == routing::DuplicateAction::off) return;
  storage::DuplicatePolicy policy;
  policy.action = check.action == routing::DuplicateAction::link ? storage::DuplicatePolicy::Action::link
                                                                  : storage::DuplicatePolicy::Action::merge;
  policy.window = check.window;
  policy.by_topic = check.by_topic;
  policy.match_values = check.values;
  nt.duplicates = std::move(policy);
}

}  // namespace triaged::daemon
