// triagectl test: a rule set's inline tests plus case files, each case routed by
// rules::run_case() (routing::route() on the rules as the daemon loads them). Output in the
// manner of promtool/amtool: a FAIL block per failing case with the deciding conditions, a
// summary line, optionally JUnit XML for CI.
#include <cstdio>
#include <filesystem>

#include "ctl_rules.h"
#include "ctl_rules_report.h"
#include "rules/cases.h"
#include "rules/rules.h"

namespace triaged::cli {
namespace {

constexpr std::string_view kExpectHeader = "x-triaged-expect-";

std::string trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return std::string(s);
}

std::vector<std::string> comma_list(std::string_view s) {
  std::vector<std::string> out;
  while (!s.empty()) {
    const std::size_t comma = s.find(',');
    if (std::string item = trimmed(s.substr(0, comma)); !item.empty()) out.push_back(item);
    if (comma == std::string_view::npos) break;
    s.remove_prefix(comma + 1);
  }
  return out;
}

std::optional<routing::Priority> priority_named(const std::string& name) {
  for (auto p : {routing::Priority::low, routing::Priority::normal, routing::Priority::high, routing::Priority::urgent})
    if (name == routing::to_string(p)) return p;
  return std::nullopt;
}

}  // namespace

std::expected<rules::TestCase, std::string> eml_case(const std::string& path) {
  auto ticket = read_ticket_file(path);
  if (!ticket) return std::unexpected(ticket.error());
  rules::TestCase test;
  test.name = std::filesystem::path(path).filename().string();
  test.label = "case " + test.name;
  test.where = path + ":1:1";
  std::map<std::string, std::string> expect;
  for (auto it = ticket->headers.begin(); it != ticket->headers.end();) {
    if (!it->first.starts_with(kExpectHeader)) {
      ++it;
      continue;
    }
    expect[it->first.substr(kExpectHeader.size())] = trimmed(it->second);
    it = ticket->headers.erase(it);
  }
  test.ticket = std::move(*ticket);
  rules::Expectation& x = test.expect;
  for (const auto& [key, value] : expect) {
    if (key == "topic") x.topic = value;
    else if (key == "department") x.department = value;
    else if (key == "missing") x.missing = comma_list(value);
    else if (key == "invalid") x.invalid = comma_list(value);
    else if (key == "priority") {
      x.priority = priority_named(value);
      if (!x.priority) return std::unexpected(path + ": X-Triaged-Expect-Priority: unknown priority \"" + value + "\"");
    } else {
      return std::unexpected(path + ": unknown header X-Triaged-Expect-" + key +
                             " (expected Topic, Department, Priority, Missing or Invalid)");
    }
  }
  if (expect.empty())
    return std::unexpected(path + ": no X-Triaged-Expect-Topic (or -Department, -Priority, -Missing, -Invalid) header");
  return test;
}

namespace {

void run_cases(const routing::RuleSet& rules, const std::vector<rules::TestCase>& cases, SuiteReport& suite) {
  for (const auto& test : cases) suite.cases.push_back(report_case(rules, test, rules::run_case(rules, test)));
}

// The rules as the daemon loads them. When only inline tests keep them from loading, the set
// is built without that gate, so every failing case can be shown rather than a load error.
std::shared_ptr<const routing::RuleSet> rules_under_test(const std::string& path, std::string& text) {
  auto loaded = rules::load_rules_file(path);
  if (loaded) {
    text = loaded->text;
    return loaded->rules;
  }
  if (auto read = read_whole_file(path)) {
    if (auto spec = rules::parse_rules_text(*read, path)) {
      if (auto built = routing::build_rule_set(std::move(*spec))) {
        text = std::move(*read);
        return *built;
      }
    }
  }
  for (const auto& d : loaded.error()) std::fprintf(stderr, "%s\n", d.to_string().c_str());
  std::fprintf(stderr, "%s: %zu error(s)\n", path.c_str(), loaded.error().size());
  return nullptr;
}

}  // namespace

int run_rule_tests(const TestOptions& options) {
  std::string text;
  const auto rules = rules_under_test(options.rules, text);
  if (!rules) return 1;
  std::vector<SuiteReport> suites;
  suites.push_back({options.rules, {}, {}});
  run_cases(*rules, rules::inline_cases(text, options.rules), suites.back());
  for (const auto& path : options.case_files) {
    suites.push_back({path, {}, {}});
    SuiteReport& suite = suites.back();
    if (is_eml_path(path)) {
      auto test = eml_case(path);
      if (test) run_cases(*rules, {*test}, suite);
      else suite.errors.push_back(test.error());
      continue;
    }
    auto file = read_whole_file(path);
    if (!file) {
      suite.errors.push_back(file.error());
      continue;
    }
    auto cases = rules::parse_cases_text(*file, path);
    if (!cases) {
      for (const auto& d : cases.error()) suite.errors.push_back(d.to_string());
      continue;
    }
    run_cases(*rules, *cases, suite);
  }
  const Totals totals = print_report(suites);
  if (!options.junit.empty()) {
    if (auto written = write_junit(options.junit, suites); !written) {
      std::fprintf(stderr, "%s\n", written.error().c_str());
      return 1;
    }
  }
  return totals.failed == 0 && totals.errors == 0 ? 0 : 1;
}

}  // namespace triaged::cli
