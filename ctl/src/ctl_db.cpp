// triagectl replay / coverage / stats: rule sets judged on the tickets in a database, and the
// management figures. All open the database read-only, so they run beside a live daemon
// without taking its write lock.
#include <boost/json.hpp>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>

#include "common/replay.h"
#include "coverage_report.h"
#include "ctl_commands.h"
#include "http/stats_output.h"
#include "replay_text.h"
#include "routing/rule_spec.h"
#include "rules/rules.h"
#include "stats_text.h"
#include "storage/stats.h"
#include "storage/ticket_store.h"

namespace triaged::cli {
namespace {

using Clock = std::chrono::system_clock;

constexpr std::int64_t kProgressEvery = 1000;

// "30d", "12h", "90m", "45s" -> that long; nullopt for anything else.
std::optional<std::chrono::seconds> parse_duration(const std::string& text) {
  if (text.size() < 2 || text.size() > 12) return std::nullopt;
  const std::string digits = text.substr(0, text.size() - 1);
  if (digits.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  const long long n = std::stoll(digits);
  switch (text.back()) {
    case 'd': return std::chrono::seconds(n * 86400);
    case 'h': return std::chrono::seconds(n * 3600);
    case 'm': return std::chrono::seconds(n * 60);
    case 's': return std::chrono::seconds(n);
    default: return std::nullopt;
  }
}

std::optional<Clock::time_point> since_of(const std::string& since) {
  if (since.empty()) return std::nullopt;
  return Clock::now() - *parse_duration(since);  // validated by CLI11 already
}

std::unique_ptr<storage::TicketStore> open_read_only(const std::string& path) {
  storage::StoreOptions options;
  options.path = path;
  options.read_only = true;
  auto store = storage::TicketStore::open(options);
  if (!store) {
    std::fprintf(stderr, "triagectl: cannot open the database: %s\n", store.error().message.c_str());
    return nullptr;
  }
  return std::move(*store);
}

void print_diagnostics(const routing::Diagnostics& diagnostics, const char* prefix) {
  for (const auto& d : diagnostics) std::fprintf(stderr, "%s%s\n", prefix, d.to_string().c_str());
}

// A candidate is judged before it goes live, often to see whether its inline tests should
// change too: failing inline tests are warnings here (the daemon would refuse the set until
// they are fixed); any other load error stops the command.
std::shared_ptr<const routing::RuleSet> load_candidate(const std::string& path) {
  auto loaded = rules::load_rules_file(path);
  if (loaded) return loaded->rules;
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  auto spec = rules::parse_rules_text(text.str(), path);
  if (spec) {
    if (auto built = routing::build_rule_set(std::move(*spec))) {
      print_diagnostics(loaded.error(), "warning: ");
      std::fprintf(stderr, "warning: %s: %zu inline test(s) fail; triaged would refuse this rule set as it is\n",
                   path.c_str(), loaded.error().size());
      return *built;
    }
  }
  print_diagnostics(loaded.error(), "");
  std::fprintf(stderr, "%s: %zu error(s)\n", path.c_str(), loaded.error().size());
  return nullptr;
}

void print(const std::string& text) { std::fwrite(text.data(), 1, text.size(), stdout); }

struct DbOptions {
  std::string db;
  std::string rules;
  std::string since;
  std::int64_t limit = 0;
  std::size_t examples = 3;
  bool json = false;
};

int replay(const DbOptions& o) {
  auto candidate = load_candidate(o.rules);
  if (!candidate) return 1;
  auto store = open_read_only(o.db);
  if (!store) return 1;
  daemon::ReplayOptions options;
  options.since = since_of(o.since);
  options.limit = o.limit;
  options.examples = o.examples;
  options.progress_every = kProgressEvery;
  options.progress = [](std::int64_t done, std::int64_t total) {
    std::fprintf(stderr, "replayed %lld/%lld\n", static_cast<long long>(done), static_cast<long long>(total));
  };
  const auto started = std::chrono::steady_clock::now();
  auto report = daemon::replay(*store, *candidate, options);
  if (!report) {
    std::fprintf(stderr, "triagectl: reading the database failed: %s\n", report.error().message.c_str());
    return 1;
  }
  const auto took = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::fprintf(stderr, "done in %.2f s\n", took);
  print(o.json ? boost::json::serialize(daemon::report_to_json(*report)) + "\n" : report_to_text(*report));
  return 0;
}

int coverage(const DbOptions& o) {
  std::shared_ptr<const routing::RuleSet> rules;
  if (!o.rules.empty() && !(rules = load_candidate(o.rules))) return 1;
  auto store = open_read_only(o.db);
  if (!store) return 1;
  auto report = coverage_report(*store, since_of(o.since), rules.get());
  if (!report) {
    std::fprintf(stderr, "triagectl: reading the database failed: %s\n", report.error().message.c_str());
    return 1;
  }
  print(o.json ? boost::json::serialize(coverage_to_json(*report)) + "\n"
               : coverage_to_text(*report));
  return 0;
}

struct StatsOptions {
  std::string db, since, until, days;
  bool json = false;
};

int stats(const StatsOptions& o) {
  // The same period rules as GET /api/v1/stats, so both answer the same question the same way.
  std::map<std::string, std::string> query;
  if (!o.since.empty()) query["since"] = o.since;
  if (!o.until.empty()) query["until"] = o.until;
  if (!o.days.empty()) query["days"] = o.days;
  auto period = daemon::stats_period(query, Clock::now());
  if (!period) {
    std::fprintf(stderr, "triagectl: --%s: %s\n", period.error().parameter.c_str(), period.error().message.c_str());
    return 2;
  }
  auto figures = storage::read_stats(o.db, {period->since, period->until, Clock::now()});
  if (!figures) {
    std::fprintf(stderr, "triagectl: reading the database failed: %s\n", figures.error().message.c_str());
    return 1;
  }
  print(o.json ? boost::json::serialize(daemon::stats_to_json(*figures, *period)) + "\n"
               : stats_to_text(*figures, *period));
  return 0;
}

CLI::Option* add_since(CLI::App* cmd, std::string& since) {
  return cmd->add_option("--since", since, "only tickets created this long ago or later: Nd, Nh, Nm or Ns")
      ->check([](const std::string& text) {
        return parse_duration(text) ? std::string() : "expected a duration such as 30d, 12h or 90m";
      });
}

}  // namespace

void add_db_commands(CLI::App& app, Run& run) {
  auto options = std::make_shared<DbOptions>();

  auto* replay_cmd = app.add_subcommand(
      "replay", "re-route stored tickets with a candidate rule set and report what would change");
  replay_cmd->add_option("--db", options->db, "the triaged database")->required()->check(CLI::ExistingFile);
  replay_cmd->add_option("--rules", options->rules, "the candidate rule set")->required()->check(CLI::ExistingFile);
  add_since(replay_cmd, options->since);
  replay_cmd->add_option("--limit", options->limit, "replay only the newest N tickets")->check(CLI::PositiveNumber);
  replay_cmd->add_option("--examples", options->examples, "ticket refs shown per transition (default 3)");
  replay_cmd->add_flag("--json", options->json, "print the report as JSON");
  replay_cmd->callback([&run, options] { run = [options] { return replay(*options); }; });

  auto* coverage_cmd = app.add_subcommand(
      "coverage", "per topic: share of tickets, default-topic share, staff reroutes, unmatched topics");
  coverage_cmd->add_option("--db", options->db, "the triaged database")->required()->check(CLI::ExistingFile);
  add_since(coverage_cmd, options->since);
  coverage_cmd->add_option("--rules", options->rules, "also list this rule set's topics that never matched")
      ->check(CLI::ExistingFile);
  coverage_cmd->add_flag("--json", options->json, "print the report as JSON");
  coverage_cmd->callback([&run, options] { run = [options] { return coverage(*options); }; });

  auto figures = std::make_shared<StatsOptions>();
  auto* stats_cmd = app.add_subcommand(
      "stats", "per department and agent: tickets by status, overdue, time to first action and to resolution, and "
      "satisfaction (CSAT) per department, topic and agent");
  stats_cmd->add_option("--db", figures->db, "the triaged database")->required()->check(CLI::ExistingFile);
  stats_cmd->add_option("--since", figures->since, "tickets created from YYYY-MM-DD[THH:MM:SSZ] (UTC)");
  stats_cmd->add_option("--until", figures->until, "up to YYYY-MM-DD[THH:MM:SSZ] (default: now)");
  stats_cmd->add_option("--days", figures->days, "the N days up to --until (default 7)");
  stats_cmd->add_flag("--json", figures->json, "print the figures as JSON (as GET /api/v1/stats)");
  stats_cmd->callback([&run, figures] { run = [figures] { return stats(*figures); }; });
}

}  // namespace triaged::cli
