// The deciding sources, their staff reroutes and the learned model's say as text: the closing
// section of `triagectl coverage` and `triagectl stats`.
#pragma once

#include <string>

#include "storage/decision_sources.h"

namespace triaged::cli {

// "By deciding source (the first decision; rerouted: moved by staff later)" with a table of
// source, tickets, share, rerouted and reroute rate, then one line on the model: how many
// decisions it gave an opinion on, how many of those it disagreed with, how many it decided
// ("no model opinion recorded" when none).
std::string decision_sources_to_text(const storage::DecisionSources& sources);

}  // namespace triaged::cli
