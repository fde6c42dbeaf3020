// triagectl eval / train: measuring routing on labeled tickets and training its model
// (learn/). ctl_learn.cpp wires the commands and prints reports; ctl_learn_cases.cpp reads
// the labeled tickets; ctl_learn_history.cpp the tickets staff labeled in a database.
#pragma once

#include <expected>
#include <string>
#include <vector>

#include "learn/learn.h"
#include "routing/routing.h"

namespace triaged::cli {

// Labeled tickets from the rule set's inline tests (when `with_inline`) and `files`: .yaml
// case lists, .eml cases (X-Triaged-Expect-Topic) and .jsonl lines with "topic". Cases
// without an expected topic are skipped; a ticket listed twice counts once.
std::expected<std::vector<learn::Example>, std::string> labeled_examples(const std::string& rules_text,
                                                                         const std::string& rules_path,
                                                                         const std::vector<std::string>& files,
                                                                         bool with_inline);

// Stored tickets staff gave a verdict on, as labeled examples: a ticket whose topic now is not
// the one its decision gave (staff rerouted it) is labeled with the topic it sits in now; one
// resolved or closed in the topic its decision gave is a confirmation of that topic. Open
// tickets nobody corrected say nothing and are left out, as are tickets of topics `rules` does
// not have (an older rule set's). Reads the database read-only, beside a running daemon.
struct StoredExamples {
  std::vector<learn::Example> examples;
  std::size_t corrected = 0;   // labeled by a reroute
  std::size_t confirmed = 0;   // labeled by resolving or closing
  std::size_t unknown_topic = 0;  // labeled, but with a topic the rule set lacks: left out
};
std::expected<StoredExamples, std::string> stored_examples(const std::string& db_path, const routing::RuleSet& rules);

// stored_examples() appended to `examples`; returns what was added for the "training on"
// line (", 3 from the database (2 rerouted, 1 resolved)") and warns on stderr of any left out.
std::expected<std::string, std::string> add_stored_examples(const std::string& db_path, const routing::RuleSet& rules,
                                                            std::vector<learn::Example>& examples);

}  // namespace triaged::cli
