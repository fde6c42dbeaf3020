// storage: the rule set every node of a shared database serves (issue 20). The database keeps
// the active set (a version of the rule_sets history, with who published it and when) and
// announces each change to every node that waits for one; a node that missed an announcement
// (its connection was down) reads active() and catches up. Only a store several nodes share
// has a feed (PostgreSQL: storage_pg's open_rule_set_feed); on SQLite a node's own rule file
// decides what it serves, as it always did.
// publish, seed and active are thread-safe; wait is called from one thread at a time.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "storage/mail.h"
#include "storage/result.h"

namespace triaged::storage {

// One rule-set version as the history keeps it (the same columns record_rule_set writes).
struct RuleSetRecord {
  std::string version;  // "sha256:..." of text
  std::string name;
  std::string source;   // the path the publishing node read it from
  std::string text;     // the YAML
};

struct ActiveRuleSet {
  RuleSetRecord rules;
  std::string published_by;       // the node that made it active ("host:port")
  Clock::time_point published_at;
  std::int64_t generation = 0;    // 1 for the first publish, one more for each later one
};

class RuleSetFeed {
 public:
  virtual ~RuleSetFeed() = default;

  // Records `rules` in the history (as record_rule_set does), makes it the active set and
  // announces it to every node, in one transaction: a node that reads the announcement finds
  // the set. Publishing the active version again is a new generation (and announcement).
  // Returns the active set as written. Code::unavailable when the database cannot be written
  // now, Code::closed once the store is closing.
  virtual Result<ActiveRuleSet> publish(const RuleSetRecord& rules, const std::string& node,
                                        Clock::time_point at) = 0;
  // publish() when no set is active yet; otherwise changes nothing (not even the history).
  // Returns the active set either way, so nodes that start at once agree on one.
  virtual Result<ActiveRuleSet> seed(const RuleSetRecord& rules, const std::string& node,
                                     Clock::time_point at) = 0;
  // The active set; nullopt before the first publish or seed.
  virtual Result<std::optional<ActiveRuleSet>> active() = 0;

  // Blocks up to `timeout` for an announcement. true: one arrived, or the listening connection
  // was just (re)opened and announcements may have been missed; read active() either way.
  // false: none within `timeout`. Code::unavailable: the connection is lost or cannot be
  // opened; the next call tries again.
  virtual Result<bool> wait(std::chrono::milliseconds timeout) = 0;
};

}  // namespace triaged::storage
