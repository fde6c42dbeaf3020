#include "decision_sources_text.h"

#include <vector>

#include "text_table.h"

namespace triaged::cli {

std::string decision_sources_to_text(const storage::DecisionSources& d) {
  std::string out = "By deciding source (the first decision; rerouted: moved by staff later)\n";
  std::vector<std::vector<std::string>> rows{{"source", "tickets", "share", "rerouted", "reroute rate"}};
  for (const auto& s : d.sources) {
    rows.push_back({s.source.empty() ? "unknown" : s.source, std::to_string(s.tickets), percent(s.tickets, d.tickets),
                    std::to_string(s.rerouted), percent(s.rerouted, s.tickets)});
  }
  out += render_table(rows);
  if (d.model_opinions == 0) return out + "Model: no model opinion recorded\n";
  // The disagreement is over the decisions the model saw, not all tickets: a model in shadow
  // on half the period should not look twice as agreeable.
  out += "Model: an opinion on " + std::to_string(d.model_opinions) + " tickets, disagreed with the rules on " +
         std::to_string(d.model_disagreed) + " (" + percent(d.model_disagreed, d.model_opinions) + "); decided " +
         std::to_string(d.model_decided) + " (" + percent(d.model_decided, d.tickets) + " of tickets)\n";
  return out;
}

}  // namespace triaged::cli
