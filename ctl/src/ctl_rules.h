// triagectl check / test / explain: the admin's tools for rules as code. ctl_rules.cpp wires
// the subcommands and runs `check`; ctl_rules_test.cpp runs case files; ctl_rules_explain.cpp
// shows one decision; ctl_rules_input.cpp reads tickets and files for them.
#pragma once

#include <expected>
#include <string>
#include <vector>

#include "routing/routing.h"
#include "rules/cases.h"

namespace triaged::cli {

struct TestOptions {
  std::string rules;
  std::vector<std::string> case_files;  // .yaml case lists and .eml messages
  std::string junit;                    // JUnit XML report path; empty: none
};

// Runs the rule set's inline tests and every case file; prints a FAIL block per failing
// case and a summary. 0 if every case passed, 1 on any failure or unreadable file.
int run_rule_tests(const TestOptions& options);

// Prints the decision for one ticket (JSON or .eml) and its trace, or with `json` the
// decision as the API encodes it. 0, or 1 if the rules or the ticket cannot be read.
int explain_ticket(const std::string& rules_path, const std::string& ticket_path, bool json);

// The whole file, or an error naming it.
std::expected<std::string, std::string> read_whole_file(const std::string& path);

bool is_eml_path(const std::string& path);

// An .eml case: the message becomes a ticket as the email ingest makes it; its
// X-Triaged-Expect-* headers are the expectation and are removed from the ticket, so no
// header.NAME condition can see them.
std::expected<rules::TestCase, std::string> eml_case(const std::string& path);

// A ticket from an .eml file (as the email ingest builds it) or a JSON file (as
// POST /api/v1/tickets reads it), or the reason it cannot be read, naming the file.
std::expected<routing::Ticket, std::string> read_ticket_file(const std::string& path);

// The text a TextMatch's `field` names in `ticket` ("body", "field.order_id", "header.x"),
// empty when there is none.
std::string text_of(const routing::Ticket& ticket, const std::string& field);

// `match` shown within its sentence of `text`, the match wrapped in [[ ]] (or in ANSI bold
// when `ansi`); the context is cut to a few dozen characters on each side.
std::string in_context(const std::string& text, const routing::TextMatch& match, bool ansi);

}  // namespace triaged::cli
