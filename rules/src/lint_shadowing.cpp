// The shadowed-topic lint (see lint.h): evidence from the rule set's own test tickets that a
// topic is unreachable because topics before it take everything it would match.
#include <chrono>
#include <map>

#include "lint_checks.h"
#include "rules/cases.h"
#include "topic_alone.h"
#include "yaml_reader.h"

namespace triaged::rules {
namespace {

// Only topics are compared, never due times; any fixed instant will do.
constexpr std::chrono::sys_days kLintNow{std::chrono::year{2025} / 1 / 1};

std::string takers_list(const std::map<std::string, std::size_t>& takers) {
  std::string out;
  for (const auto& [topic, count] : takers)
    out += (out.empty() ? "" : ", ") + quote(topic) + " " + std::to_string(count);
  return out;
}

}  // namespace

void lint_shadowed_topics(const LoadedRules& loaded, std::vector<LintWarning>& out) {
  const routing::RuleSet& rules = *loaded.rules;
  std::vector<routing::Ticket> tickets;
  for (TestCase& test : inline_cases(loaded.text, loaded.source)) {
    test.ticket.topic.clear();
    tickets.push_back(std::move(test.ticket));
  }
  if (tickets.empty()) return;
  std::vector<std::string> winners;
  winners.reserve(tickets.size());
  for (const auto& ticket : tickets) winners.push_back(route(rules, ticket, kLintNow).topic);

  for (const routing::TopicSpec& topic : rules.spec().topics) {
    if (topic.is_default) continue;
    const auto reduced = topic_alone(rules.spec(), topic);
    if (!reduced) continue;
    std::size_t holds = 0;
    bool ever_wins = false;
    std::map<std::string, std::size_t> takers;
    for (std::size_t i = 0; i < tickets.size() && !ever_wins; ++i) {
      const routing::Decision d = route(*reduced, tickets[i], kLintNow);
      if (d.source != routing::TopicSource::rules) continue;
      ++holds;
      if (winners[i] == topic.id) ever_wins = true;
      else ++takers[winners[i]];
    }
    if (holds == 0 || ever_wins) continue;
    out.push_back({topic.where, "shadowed-topic",
                   "topic " + quote(topic.id) + " can never match: its conditions hold for " +
                       std::to_string(holds) + " test ticket(s), and earlier topics take every one (" +
                       takers_list(takers) + "); move it up or narrow them"});
  }
}

}  // namespace triaged::rules
