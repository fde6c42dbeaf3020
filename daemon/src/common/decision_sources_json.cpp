#include "common/decision_sources_json.h"

#include <boost/json.hpp>

#include <cmath>

namespace triaged::daemon {
namespace {

namespace json = boost::json;

json::value rate(std::int64_t part, std::int64_t whole) {
  if (whole <= 0) return nullptr;
  return std::round(10000.0 * static_cast<double>(part) / static_cast<double>(whole)) / 10000.0;
}

}  // namespace

json::object decision_sources_to_json(const storage::DecisionSources& d) {
  json::object by_source;
  for (const auto& s : d.sources) {
    by_source[s.source.empty() ? "unknown" : s.source] =
        json::object{{"tickets", s.tickets}, {"rerouted", s.rerouted}, {"reroute_rate", rate(s.rerouted, s.tickets)}};
  }
  json::object model{{"opinions", d.model_opinions},
                     {"disagreed", d.model_disagreed},
                     {"disagreement_rate", rate(d.model_disagreed, d.model_opinions)},
                     {"decided", d.model_decided},
                     {"decided_share", rate(d.model_decided, d.tickets)}};
  return {{"tickets", d.tickets}, {"by_source", std::move(by_source)}, {"model", std::move(model)}};
}

}  // namespace triaged::daemon
