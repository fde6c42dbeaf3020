// Case files and the inline tests of a loaded rule set, both read by the one test-case parser
// (test_case_parser.cpp), so a case copied from `tests:` into a case file means the same.
#include <chrono>
#include <exception>

#include "rules/cases.h"
#include "rules/rules.h"
#include "spec_parser.h"
#include "topic_alone.h"
#include "yaml_reader.h"

namespace triaged::rules {

namespace {

// Only topics are compared, never due times; any fixed instant will do.
constexpr std::chrono::sys_days kFixedNow{std::chrono::year{2025} / 1 / 1};

}  // namespace

std::vector<TestCase> inline_cases(std::string_view text, const std::string& source) {
  routing::Diagnostics ignored;  // callers have loaded the text; a text that does not parse has no cases
  std::optional<ParsedRules> parsed = parse_document(text, source, ignored);
  return parsed ? std::move(parsed->tests) : std::vector<TestCase>{};
}

std::shared_ptr<const routing::RuleSet> topic_alone(const routing::RuleSetSpec& spec,
                                                    const routing::TopicSpec& topic) {
  routing::RuleSetSpec reduced = spec;
  reduced.topics.clear();
  reduced.topics.push_back(topic);
  for (const auto& t : spec.topics)
    if (t.is_default) reduced.topics.push_back(t);
  auto built = routing::build_rule_set(std::move(reduced));
  return built ? *built : nullptr;  // the full set built, so this subset of it does too
}

std::optional<routing::TopicTrace> evaluate_topic_alone(const routing::RuleSet& rules,
                                                        const std::string& topic,
                                                        const routing::Ticket& ticket) {
  for (const auto& t : rules.spec().topics) {
    if (t.id != topic || t.is_default) continue;
    const auto reduced = topic_alone(rules.spec(), t);
    if (!reduced) return std::nullopt;
    routing::Ticket unchosen = ticket;
    unchosen.topic.clear();
    routing::Decision d = route(*reduced, unchosen, kFixedNow, routing::Trace::every_topic);
    if (d.trace.empty()) return std::nullopt;
    return std::move(d.trace.front());
  }
  return std::nullopt;
}

std::expected<std::vector<TestCase>, routing::Diagnostics> parse_cases_text(
    std::string_view text, const std::string& source) {
  constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
  if (text.starts_with(kUtf8Bom)) text.remove_prefix(kUtf8Bom.size());
  const std::string owned(text);
  const SourceMap map(source, owned);
  routing::Diagnostics diagnostics;
  Reader reader(map, diagnostics);
  std::vector<TestCase> cases;
  try {
    // Not YAML::LoadAll(), which never returns on some malformed streams (see yaml_reader.h).
    const FirstDocument document = load_first_document(owned);
    if (document.documents == 0 || document.node.IsNull()) {
      reader.error(source + ":1:1", "empty case file (expected a list of cases)");
    } else {
      if (document.documents > 1)
        reader.error(map.where(document.second), "a second YAML document (a case file holds exactly one list)");
      // parse_tests() reads the value of a `tests:` entry; the whole document plays that part.
      const Entry whole{"tests", document.node, document.node};
      cases = parse_tests(whole, reader);
    }
  } catch (const YAML::Exception& e) {
    reader.error(map.where(e.mark), "invalid YAML: " + e.msg);
  } catch (const std::exception& e) {
    reader.error(source, std::string("internal error: ") + e.what());
  }
  if (!diagnostics.empty()) return std::unexpected(std::move(diagnostics));
  return cases;
}

}  // namespace triaged::rules
