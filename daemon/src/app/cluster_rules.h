// Rule sets on a database several nodes share (PostgreSQL, issue 20). The cluster serves the
// database's active set: a reload on any node publishes that node's file, and every node
// follows what is published (jobs/rule_set_follower.h says when to look). At start the
// database's set wins over the node's file, and the first node seeds it; a set that does not
// load on a node leaves that node on what it serves, and it says so (view()). ClusterRules
// decides and reports; the Daemon installs, under its reload lock.
// Thread-safe: join, publish and follow are called under the Daemon's reload lock; view from
// any thread.
#pragma once

#include <cstdint>
#include <expected>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "http/rules_admin.h"
#include "rules/rules.h"
#include "storage/rule_set_feed.h"

namespace triaged::daemon {

class ClusterRules {
 public:
  // `node` names this node in the database and logs ("host:port"); `read_model` reads a
  // model a set names from this node's disk (beside its rule file).
  ClusterRules(std::unique_ptr<storage::RuleSetFeed> feed, std::string node, rules::ModelReader read_model);

  storage::RuleSetFeed& feed() { return *feed_; }

  // At start, with this node's rule file loaded: the set to serve. The file's, when no set is
  // active yet (it becomes the cluster's) or it is the active one; else the cluster's, and the
  // file's differing version is reported; the file's again when the cluster's does not load
  // here, reported as a mismatch. Fails, naming the database, when it cannot be read or written.
  std::expected<rules::LoadedRules, std::string> join(rules::LoadedRules file);

  // A reload built `file`'s set: makes it the cluster's. On failure (the database cannot be
  // written) nothing changed anywhere, and the reason comes back.
  std::expected<void, std::string> publish(const rules::LoadedRules& file);

  struct Step {
    std::optional<rules::LoadedRules> adopt;      // the cluster's new set: install it
    std::optional<routing::Diagnostics> refused;  // the cluster's set does not load here
  };
  // Reads the active set and compares it with what this node serves: a set to adopt, a set
  // refused (once per publish: a refused set is not loaded again until the next one), or
  // nothing. A database that cannot be read is logged once until it can again.
  Step follow();

  ClusterRulesView view() const;

 private:
  std::expected<rules::LoadedRules, routing::Diagnostics> load(const storage::ActiveRuleSet& active) const;
  void set_active(const storage::ActiveRuleSet& active);
  void set_served(const std::string& version);
  void refuse(const storage::ActiveRuleSet& active, const routing::Diagnostics& why);

  // Fixed at construction.
  const std::unique_ptr<storage::RuleSetFeed> feed_;
  const std::string node_;
  const rules::ModelReader read_model_;

  mutable std::mutex mutex_;
  // Guarded by mutex_.
  std::optional<storage::ActiveRuleSet> active_;  // as last read (text dropped)
  std::string served_;
  std::string file_version_;
  std::string problem_;
  std::int64_t refused_generation_ = 0;
  bool read_failing_ = false;
};

}  // namespace triaged::daemon
