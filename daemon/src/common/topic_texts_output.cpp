// A topic's texts for people as the API shows them: the answers classify returns before a
// ticket, the canned answers and internal notes the ticket view shows staff.
#include <boost/json.hpp>

#include "common/json_output.h"
#include "routing/rule_spec.h"

namespace triaged::daemon {

namespace json = boost::json;

namespace {

const routing::TopicSpec* find_topic(const routing::RuleSet& rules, const std::string& id) {
  for (const auto& t : rules.spec().topics)
    if (t.id == id) return &t;
  return nullptr;
}

}  // namespace

json::array answers_to_json(const routing::RuleSet& rules, const std::string& topic) {
  json::array out;
  if (const auto* t = find_topic(rules, topic))
    for (const auto& a : t->answers)
      out.push_back({{"id", a.id}, {"topic", t->id}, {"title", a.title}, {"text", a.text},
                     {"url", a.url.empty() ? json::value(nullptr) : json::value(a.url)}});
  return out;
}

json::array canned_to_json(const routing::RuleSet& rules, const std::string& topic) {
  json::array out;
  if (const auto* t = find_topic(rules, topic))
    for (const auto& c : t->canned) out.push_back({{"title", c.title}, {"text", c.text}});
  return out;
}

json::array notes_to_json(const std::vector<storage::StoredNote>& notes) {
  json::array out;
  for (const auto& n : notes)
    out.push_back({{"id", n.id}, {"at", format_time(n.at)}, {"author", n.author}, {"text", n.text}});
  return out;
}

}  // namespace triaged::daemon
