// How a period's tickets were first routed, by the source that decided (rules, model,
// operator, default), how often staff had to reroute each source's tickets, and what the
// learned model said where it gave an opinion. These are the figures that tell an admin
// whether the model earns its place: a model that often disagrees with rules staff rarely
// correct is noise; a source whose tickets staff reroute often needs work. Part of both
// coverage (traffic.h) and the management stats (stats.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace triaged::storage {

// Tickets whose stored (first) decision came from one source, and how many of them staff
// rerouted at least once afterwards.
struct SourceReroutes {
  std::string source;  // "rules", "model", "operator", "default", or "" (no decision stored)
  std::int64_t tickets = 0;
  std::int64_t rerouted = 0;
};

struct DecisionSources {
  std::int64_t tickets = 0;
  // rules, model, operator, default always (zeros included), in that order; then any other
  // source seen, by name.
  std::vector<SourceReroutes> sources;
  std::int64_t model_opinions = 0;   // decisions carrying a model opinion (shadow or fallback)
  std::int64_t model_disagreed = 0;  // of those, where the model's topic differed from the rules'
  std::int64_t model_decided = 0;    // decisions the model made (source "model")

  // The entry for `source`; a zero entry when none is kept.
  const SourceReroutes& of(const std::string& source) const;
};

}  // namespace triaged::storage
