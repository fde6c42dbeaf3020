#include "decision_source_rows.h"

#include <algorithm>
#include <array>
#include <map>
#include <string>
#include <utility>

namespace triaged::storage {
namespace {

// Grouped in SQL over the created_at index, so the C++ side folds at most a few dozen rows
// whatever the period. The stored decision is the first one: a reroute changes the ticket's
// topic, never its decision_json. A decision that is not JSON (never written by triaged)
// counts under source "" with no model opinion. json_extract gives a JSON false as 0 and a
// missing member as NULL, so "disagreed" needs a model object whose agrees is exactly false.
constexpr const char* kSourcesSql = R"sql(
SELECT source, has_model, disagreed, rerouted, count(*)
FROM (SELECT coalesce(CASE WHEN valid THEN json_extract(decision_json, '$.source') END, '') AS source,
             coalesce(CASE WHEN valid THEN json_type(decision_json, '$.model') = 'object' END, 0) AS has_model,
             coalesce(CASE WHEN valid THEN json_type(decision_json, '$.model.agrees') = 'false' END, 0) AS disagreed,
             EXISTS (SELECT 1 FROM ticket_events e
                     WHERE e.kind = 'rerouted' AND e.ticket_id = t.id) AS rerouted
      FROM (SELECT id, decision_json, json_valid(decision_json) AS valid
            FROM tickets WHERE created_at >= ?1 AND created_at < ?2) t)
GROUP BY 1, 2, 3, 4
)sql";

constexpr std::array<const char*, 4> kKnownSources{"rules", "model", "operator", "default"};

}  // namespace

const SourceReroutes& DecisionSources::of(const std::string& source) const {
  static const SourceReroutes kNone;
  const auto it = std::find_if(sources.begin(), sources.end(),
                               [&](const SourceReroutes& s) { return s.source == source; });
  return it == sources.end() ? kNone : *it;
}

Result<DecisionSources> read_decision_sources(Database& db, std::int64_t since_ms, std::int64_t until_ms) {
  auto select = db.prepare(kSourcesSql);
  if (!select) return std::unexpected(std::move(select.error()));
  select->bind(1, since_ms).bind(2, until_ms);

  DecisionSources out;
  std::map<std::string, SourceReroutes> by_source;
  for (;;) {
    auto row = select->step();
    if (!row) return std::unexpected(std::move(row.error()));
    if (!*row) break;
    const std::string source = select->column_text(0);
    const bool has_model = select->column_int64(1) != 0;
    const bool disagreed = select->column_int64(2) != 0;
    const bool rerouted = select->column_int64(3) != 0;
    const std::int64_t n = select->column_int64(4);
    SourceReroutes& s = by_source[source];
    s.tickets += n;
    if (rerouted) s.rerouted += n;
    out.tickets += n;
    if (has_model) out.model_opinions += n;
    if (has_model && disagreed) out.model_disagreed += n;
    if (source == "model") out.model_decided += n;
  }
  for (const char* known : kKnownSources) {
    SourceReroutes s = by_source[known];
    s.source = known;
    out.sources.push_back(std::move(s));
    by_source.erase(known);
  }
  for (auto& [name, s] : by_source) {
    s.source = name;
    out.sources.push_back(std::move(s));
  }
  return out;
}

}  // namespace triaged::storage
