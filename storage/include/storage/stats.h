// The figures a head of service looks at weekly, per department and per agent, over tickets
// created in a period: how many, at what status, how many overdue, how fast the first staff
// action and the resolution came (median and 90th percentile), how often tickets had to be
// rerouted, how many fell to the default topic, how many were repeats of an open ticket, how
// many questions an answer settled before they became tickets, and how satisfied customers
// were (CSAT: good and bad ratings of the tickets resolved in the period). Read on its own
// read-only connection, so it runs beside a live daemon (and from triagectl) without touching the writer.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "storage/decision_sources.h"
#include "storage/mail.h"
#include "storage/result.h"

namespace triaged::storage {

struct StatsQuery {
  Clock::time_point since;  // tickets created in [since, until)
  Clock::time_point until;
  Clock::time_point now;    // what "overdue" is measured against
};

// Seconds from creation to an event, over the tickets that have it.
struct Durations {
  std::int64_t count = 0;
  std::optional<double> median;
  std::optional<double> p90;
};

struct GroupStats {
  std::string name;                            // department id, assignee, or "all"
  std::int64_t tickets = 0;
  std::map<std::string, std::int64_t> by_status;
  std::int64_t overdue = 0;                    // open (not resolved or closed) past due_at
  Durations first_action;  // first claim, reroute or status change by a person
  Durations resolution;    // first change to resolved or closed
  std::int64_t rerouted = 0;                   // tickets rerouted at least once
  std::int64_t default_topic = 0;  // tickets no rule matched, left at the default topic
};

// Repeats per channel and routed topic: of the reports that came in (tickets created plus
// reports merged into an open ticket), how many were merged and how many created but linked
// as a duplicate.
struct DuplicateFigures {
  std::string channel;
  std::string topic;
  std::int64_t reports = 0;
  std::int64_t merged = 0;
  std::int64_t linked = 0;
};

// Questions answered before they became tickets (deflections.h), per topic, in the period.
struct DeflectionFigures {
  std::string topic;
  std::int64_t deflected = 0;
  std::map<std::string, std::int64_t> by_answer;  // answer id -> count
};

// Satisfaction (satisfaction.h) of one group, over the surveys asked in the period (tickets
// first resolved then), with each survey's current rating.
struct CsatFigures {
  std::string name;                 // department id, topic id, agent, or "all"
  std::int64_t asked = 0;
  std::int64_t good = 0;
  std::int64_t bad = 0;
  std::optional<double> share_good;  // good / (good + bad); none without ratings
  std::int64_t deflected = 0;        // topics only: deflections made in the period
};

struct CsatStats {
  CsatFigures all;
  std::vector<CsatFigures> departments;  // by name
  std::vector<CsatFigures> topics;       // by name; also every topic with deflections
  std::vector<CsatFigures> agents;       // by name; surveys with no agent are in none
};

struct Stats {
  std::vector<DuplicateFigures> duplicates;  // by channel, then topic
  GroupStats all;
  std::vector<GroupStats> departments;  // by name
  std::vector<GroupStats> agents;       // by assignee; unclaimed tickets are in no agent
  DecisionSources decisions;            // the period's tickets by deciding source; the model's say
  std::vector<DeflectionFigures> deflections;  // by topic; deflections made in the period
  CsatStats csat;
};

Result<Stats> read_stats(const std::string& db_path, const StatsQuery& query);

// The p-quantile (0..1) of `values` by linear interpolation between closest ranks; nullopt
// for none. Sorts `values`.
std::optional<double> quantile(std::vector<double>& values, double p);

}  // namespace triaged::storage
