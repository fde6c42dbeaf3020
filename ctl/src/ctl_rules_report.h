// What `triagectl test` reports: each case's outcome with the conditions that decided it,
// printed promtool-style and written as JUnit XML.
#pragma once

#include <expected>
#include <string>
#include <vector>

#include "rules/cases.h"

namespace triaged::cli {

struct CaseReport {
  std::string name;
  std::string where;                 // "file:line" of the case
  bool passed = true;
  std::string message;               // the mismatches, "; "-joined; empty when passed
  std::vector<std::string> details;  // the deciding conditions, one per line
};

// One file: the rule set (its inline tests) or a case file. `errors` are reasons the file
// could not be read or parsed; its cases then did not run.
struct SuiteReport {
  std::string file;
  std::vector<CaseReport> cases;
  std::vector<std::string> errors;
};

struct Totals {
  std::size_t cases = 0, passed = 0, failed = 0, errors = 0;
};

// The outcome of one case; for a failure, the conditions that chose the topic it got and the
// one that kept the expected topic from being chosen.
CaseReport report_case(const routing::RuleSet& rules, const rules::TestCase& test, const rules::CaseResult& result);

// "FAIL file:line name: ..." blocks on stdout, file errors on stderr, then the summary line
// "N cases, P passed, F failed".
Totals print_report(const std::vector<SuiteReport>& suites);

// JUnit XML: a testsuite per file, a testcase per case, a failure element per failing case,
// an error element per file that could not be read. An error names the file on failure.
std::expected<void, std::string> write_junit(const std::string& path, const std::vector<SuiteReport>& suites);

}  // namespace triaged::cli
