#include "csat_stats.h"

#include <map>

#include "ticket_row.h"

namespace triaged::storage {
namespace {

struct Tally {
  std::int64_t asked = 0, good = 0, bad = 0, deflected = 0;

  void add(const std::string& rating) {
    ++asked;
    if (rating == "good") ++good;
    if (rating == "bad") ++bad;
  }

  CsatFigures figures(const std::string& name) const {
    CsatFigures f{name, asked, good, bad, std::nullopt, deflected};
    if (good + bad > 0) f.share_good = static_cast<double>(good) / static_cast<double>(good + bad);
    return f;
  }
};

std::vector<CsatFigures> figures_of(const std::map<std::string, Tally>& groups) {
  std::vector<CsatFigures> out;
  for (const auto& [name, tally] : groups) out.push_back(tally.figures(name));
  return out;
}

}  // namespace

Result<CsatStats> read_csat(Database& db, const StatsQuery& query, const std::vector<DeflectionFigures>& deflections) {
  auto rows = db.prepare(
      "SELECT department, topic, agent, coalesce(rating, '') FROM satisfaction WHERE asked_at >= ?1 AND asked_at < ?2");
  if (!rows) return std::unexpected(std::move(rows.error()));
  rows->bind(1, to_unix_ms(query.since)).bind(2, to_unix_ms(query.until));
  Tally all;
  std::map<std::string, Tally> departments, topics, agents;
  for (;;) {
    auto row = rows->step();
    if (!row) return std::unexpected(std::move(row.error()));
    if (!*row) break;
    const std::string rating = rows->column_text(3);
    all.add(rating);
    departments[rows->column_text(0)].add(rating);
    topics[rows->column_text(1)].add(rating);
    if (const std::string agent = rows->column_text(2); !agent.empty()) agents[agent].add(rating);
  }
  // Deflected questions beside the ratings: what the answers settled and what the team did.
  for (const auto& d : deflections) topics[d.topic].deflected += d.deflected;
  CsatStats out;
  out.all = all.figures("all");
  out.departments = figures_of(departments);
  out.topics = figures_of(topics);
  out.agents = figures_of(agents);
  return out;
}

}  // namespace triaged::storage
