// triagectl train --db: the tickets staff labeled by their work. A reroute is the clearest
// label there is (someone read the ticket and said where it belongs); resolving a ticket where
// the routing put it says the routing was right. Both are what the model should learn from.
#include <boost/json.hpp>

#include <cstdio>
#include <set>

#include "ctl_learn.h"
#include "routing/rule_spec.h"
#include "storage/ticket_store.h"

namespace triaged::cli {
namespace {

// The topic the stored decision gave; "" when it is not readable (never written by triaged).
std::string decided_topic(const std::string& decision_json) {
  boost::system::error_code ec;
  const boost::json::value v = boost::json::parse(decision_json, ec);
  if (ec || !v.is_object()) return "";
  const auto* topic = v.as_object().if_contains("topic");
  return topic && topic->is_string() ? std::string(topic->as_string()) : "";
}

}  // namespace

std::expected<StoredExamples, std::string> stored_examples(const std::string& db_path, const routing::RuleSet& rules) {
  storage::StoreOptions options;
  options.path = db_path;
  options.read_only = true;
  auto store = storage::TicketStore::open(options);
  if (!store) return std::unexpected(db_path + ": cannot open the database: " + store.error().message);
  std::set<std::string> known;
  for (const auto& topic : rules.spec().topics) known.insert(topic.id);

  StoredExamples out;
  auto visited = (*store)->scan_tickets({}, [&](const storage::StoredTicket& t) {
    const std::string decided = decided_topic(t.decision_json);
    const bool corrected = !decided.empty() && decided != t.topic;
    const bool confirmed = !corrected && (t.status == "resolved" || t.status == "closed");
    if (!corrected && !confirmed) return true;
    if (!known.contains(t.topic)) {
      ++out.unknown_topic;
      return true;
    }
    ++(corrected ? out.corrected : out.confirmed);
    // Without the operator's explicit topic: routed with it, every rule would look right.
    learn::Example example{t.ticket, t.topic, "ticket " + t.ref};
    example.ticket.topic.clear();
    out.examples.push_back(std::move(example));
    return true;
  });
  if (!visited) return std::unexpected(db_path + ": " + visited.error().message);
  return out;
}

std::expected<std::string, std::string> add_stored_examples(const std::string& db_path, const routing::RuleSet& rules,
                                                            std::vector<learn::Example>& examples) {
  auto stored = stored_examples(db_path, rules);
  if (!stored) return std::unexpected(std::move(stored.error()));
  if (stored->unknown_topic > 0)
    std::fprintf(stderr, "%s: %zu labeled tickets left out: their topics are not in the rule set\n", db_path.c_str(),
                 stored->unknown_topic);
  examples.insert(examples.end(), stored->examples.begin(), stored->examples.end());
  return ", " + std::to_string(stored->examples.size()) + " from the database (" + std::to_string(stored->corrected) +
         " rerouted, " + std::to_string(stored->confirmed) + " resolved)";
}

}  // namespace triaged::cli
