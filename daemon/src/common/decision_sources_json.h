// The deciding sources, their staff reroutes and the learned model's say (storage/
// decision_sources.h) as JSON: the "routing" member of /api/v1/stats and of
// `triagectl coverage --json` / `triagectl stats --json`, built here once so they read alike.
#pragma once

#include <boost/json/object.hpp>

#include "storage/decision_sources.h"

namespace triaged::daemon {

// {"tickets": N,
//  "by_source": {"rules": {"tickets", "rerouted", "reroute_rate"}, "model": …, "operator": …,
//                "default": …[, "unknown": … for decisions stored without a source]},
//  "model": {"opinions", "disagreed", "disagreement_rate", "decided", "decided_share"}}
// Rates and shares keep four decimals and are null when there is nothing to divide by:
// reroute_rate over the source's tickets, disagreement_rate over the tickets the model gave an
// opinion on, decided_share over all tickets.
boost::json::object decision_sources_to_json(const storage::DecisionSources& sources);

}  // namespace triaged::daemon
