#include "app/cluster_rules.h"

#include <spdlog/spdlog.h>

#include <chrono>

namespace triaged::daemon {
namespace {

storage::RuleSetRecord record_of(const rules::LoadedRules& loaded) {
  return {loaded.version, loaded.rules->spec().name, loaded.source, loaded.text};
}

std::string first_error(const routing::Diagnostics& ds) {
  if (ds.empty()) return "it does not load";
  return ds.front().to_string() + (ds.size() > 1 ? " (and " + std::to_string(ds.size() - 1) + " more)" : "");
}

}  // namespace

ClusterRules::ClusterRules(std::unique_ptr<storage::RuleSetFeed> feed, std::string node, rules::ModelReader read_model)
    : feed_(std::move(feed)), node_(std::move(node)), read_model_(std::move(read_model)) {}

std::expected<rules::LoadedRules, routing::Diagnostics> ClusterRules::load(const storage::ActiveRuleSet& active) const {
  // Diagnostics name the set by where it came from, never this node's file, which differs.
  const std::string source = "cluster " + active.rules.version + " (" + active.rules.source + " on " +
                             active.published_by + ")";
  auto loaded = rules::load_rules_text(active.rules.text, source, read_model_);
  // The text is the cluster's byte for byte, so the versions agree; the history keeps the
  // publishing node's source.
  if (loaded) loaded->source = active.rules.source;
  return loaded;
}

void ClusterRules::set_active(const storage::ActiveRuleSet& active) {
  std::lock_guard lock(mutex_);
  active_ = active;
  active_->rules.text.clear();  // view() never shows it, and it may be large
}

void ClusterRules::set_served(const std::string& version) {
  std::lock_guard lock(mutex_);
  served_ = version;
  problem_.clear();
}

void ClusterRules::refuse(const storage::ActiveRuleSet& active, const routing::Diagnostics& why) {
  std::lock_guard lock(mutex_);
  refused_generation_ = active.generation;
  problem_ = "the cluster's rule set " + active.rules.version + " does not load on this node: " + first_error(why);
  spdlog::error("{}; still serving {}", problem_, served_);
}

std::expected<rules::LoadedRules, std::string> ClusterRules::join(rules::LoadedRules file) {
  {
    std::lock_guard lock(mutex_);
    file_version_ = file.version;
  }
  auto active = feed_->seed(record_of(file), node_, std::chrono::system_clock::now());
  if (!active) return std::unexpected("cannot read the cluster's rule set: " + active.error().message);
  set_active(*active);
  if (active->rules.version == file.version) {
    set_served(file.version);
    if (active->published_by == node_ && active->generation == 1)
      spdlog::info("rules {}: the first node on this database; its rule set is now the cluster's", file.version);
    return file;
  }
  auto cluster = load(*active);
  if (!cluster) {
    set_served(file.version);
    refuse(*active, cluster.error());
    return file;
  }
  set_served(cluster->version);
  spdlog::warn("rule file {} is {}, the cluster serves {} (published by {}): serving the cluster's; a reload on "
               "this node would make its file the cluster's",
               file.source, file.version, active->rules.version, active->published_by);
  return std::move(*cluster);
}

std::expected<void, std::string> ClusterRules::publish(const rules::LoadedRules& file) {
  auto active = feed_->publish(record_of(file), node_, std::chrono::system_clock::now());
  if (!active) return std::unexpected(active.error().cause.empty() ? active.error().message : active.error().cause);
  set_active(*active);
  std::lock_guard lock(mutex_);
  file_version_ = file.version;
  served_ = file.version;
  problem_.clear();
  return {};
}

ClusterRules::Step ClusterRules::follow() {
  auto active = feed_->active();
  {
    std::lock_guard lock(mutex_);
    if (!active && !read_failing_) spdlog::error("reading the cluster's rule set: {}", active.error().message);
    if (active && read_failing_) spdlog::info("reading the cluster's rule set works again");
    read_failing_ = !active.has_value();
  }
  if (!active || !*active) return {};
  set_active(**active);
  {
    std::lock_guard lock(mutex_);
    if ((*active)->rules.version == served_) {
      problem_.clear();
      return {};
    }
    if ((*active)->generation == refused_generation_) return {};
  }
  auto cluster = load(**active);
  if (!cluster) {
    refuse(**active, cluster.error());
    return {std::nullopt, cluster.error()};
  }
  set_served(cluster->version);
  spdlog::info("rules {} from the cluster (published by {})", cluster->version, (*active)->published_by);
  return {std::move(*cluster), std::nullopt};
}

ClusterRulesView ClusterRules::view() const {
  std::lock_guard lock(mutex_);
  ClusterRulesView view;
  if (!active_) return view;
  view.version = active_->rules.version;
  view.published_by = active_->published_by;
  view.published_at = active_->published_at;
  view.in_sync = served_ == view.version;
  if (!view.in_sync) view.problem = problem_.empty() ? "switching to the cluster's rule set" : problem_;
  if (file_version_ != served_) view.file_version = file_version_;
  return view;
}

}  // namespace triaged::daemon
