// triagectl eval / train: measuring routing on labeled tickets and training its model
// (learn/). ctl_learn.cpp wires the commands and prints reports; ctl_learn_cases.cpp reads
// the labeled tickets.
#pragma once

#include <expected>
#include <string>
#include <vector>

#include "learn/learn.h"

namespace triaged::cli {

// Labeled tickets from the rule set's inline tests (when `with_inline`) and `files`: .yaml
// case lists, .eml cases (X-Triaged-Expect-Topic) and .jsonl lines with "topic". Cases
// without an expected topic are skipped; a ticket listed twice counts once.
std::expected<std::vector<learn::Example>, std::string> labeled_examples(const std::string& rules_text,
                                                                         const std::string& rules_path,
                                                                         const std::vector<std::string>& files,
                                                                         bool with_inline);

}  // namespace triaged::cli
