// RuleSetFeed on PostgreSQL: the active set is the one row of active_rule_set (migration 3),
// a change is announced with NOTIFY on one channel, and each node LISTENs on a connection of
// its own, outside the pool, since a pooled connection would hand the LISTEN to whoever leases
// it next. NOTIFY inside the publishing transaction is delivered at its commit, so a listener
// never hears of a set it cannot read yet. Channels are per database, not per schema, so the
// payload names the schema ("<schema> <version>") and a listener passes over announcements for
// another schema's nodes (a staging cluster beside production, or tests).
#include <algorithm>
#include <chrono>
#include <utility>

#include "pg_ticket_rows.h"
#include "pg_ticket_store.h"
#include "storage/rule_set_feed.h"
#include "storage_pg/postgres_store.h"

namespace triaged::storage::pg {
namespace {

constexpr const char* kChannel = "triaged_rule_set";
// Serialises publishes and seeds of one database: a seed must see a concurrent publish, and
// the history row must be in before the active row names it. Any constant every node shares.
constexpr std::int64_t kRuleSetLock = 0x7472696167656402;  // "triaged\x02"

constexpr const char* kSelectActive =
    "SELECT a.version, r.name, r.source, r.text, a.published_by, a.published_at, a.generation "
    "FROM active_rule_set a JOIN rule_sets r ON r.version = a.version";

Result<std::optional<ActiveRuleSet>> read_active(Connection& db) {
  auto rows = db.exec(kSelectActive);
  if (!rows) return std::unexpected(std::move(rows.error()));
  if (rows->size() == 0) return std::nullopt;
  ActiveRuleSet active;
  active.rules = {rows->text(0, 0), rows->text(0, 1), rows->text(0, 2), rows->text(0, 3)};
  active.published_by = rows->text(0, 4);
  active.published_at = from_unix_ms(rows->int64(0, 5));
  active.generation = rows->int64(0, 6);
  return active;
}

// Inside the caller's transaction: the history row, the active row, the announcement.
Result<ActiveRuleSet> make_active(Connection& db, const RuleSetRecord& rules, const std::string& node,
                                  Clock::time_point at) {
  const std::int64_t at_ms = to_unix_ms(at);
  auto recorded = db.exec(
      "INSERT INTO rule_sets (version, name, source, text, first_loaded_at) VALUES ($1, $2, $3, $4, $5) "
      "ON CONFLICT (version) DO NOTHING",
      {text(rules.version), text(rules.name), text(rules.source), text(rules.text), int64(at_ms)});
  if (!recorded) return std::unexpected(std::move(recorded.error()));
  auto made = db.exec(
      "INSERT INTO active_rule_set (singleton, version, generation, published_by, published_at) "
      "VALUES (TRUE, $1, 1, $2, $3) ON CONFLICT (singleton) DO UPDATE SET version = excluded.version, "
      "generation = active_rule_set.generation + 1, published_by = excluded.published_by, "
      "published_at = excluded.published_at RETURNING generation",
      {text(rules.version), text(node), int64(at_ms)});
  if (!made) return std::unexpected(std::move(made.error()));
  auto announced = db.exec("SELECT pg_notify($1, coalesce(current_schema(), '') || ' ' || $2)",
                           {text(kChannel), text(rules.version)});
  if (!announced) return std::unexpected(std::move(announced.error()));
  return ActiveRuleSet{rules, node, from_unix_ms(at_ms), made->int64(0, 0)};
}

Result<void> lock_rule_sets(Connection& db) {
  auto locked = db.exec("SELECT pg_advisory_xact_lock($1)", {int64(kRuleSetLock)});
  if (!locked) return std::unexpected(std::move(locked.error()));
  return {};
}

class PgRuleSetFeed final : public RuleSetFeed {
 public:
  explicit PgRuleSetFeed(PgTicketStore& store) : store_(store) {}

  Result<ActiveRuleSet> publish(const RuleSetRecord& rules, const std::string& node, Clock::time_point at) override {
    return store_.write_now([&](Connection& db) -> Result<ActiveRuleSet> {
      if (auto locked = lock_rule_sets(db); !locked) return std::unexpected(std::move(locked.error()));
      return make_active(db, rules, node, at);
    });
  }

  Result<ActiveRuleSet> seed(const RuleSetRecord& rules, const std::string& node, Clock::time_point at) override {
    return store_.write_now([&](Connection& db) -> Result<ActiveRuleSet> {
      if (auto locked = lock_rule_sets(db); !locked) return std::unexpected(std::move(locked.error()));
      auto current = read_active(db);
      if (!current) return std::unexpected(std::move(current.error()));
      if (*current) return std::move(**current);
      return make_active(db, rules, node, at);
    });
  }

  Result<std::optional<ActiveRuleSet>> active() override {
    return store_.pool().with_connection([](Connection& db) { return read_active(db); });
  }

  Result<bool> wait(std::chrono::milliseconds timeout) override {
    if (!listener_ || listener_->broken()) {
      listener_.reset();
      auto opened = Connection::connect(store_.pool().url());
      if (!opened) return std::unexpected(std::move(opened.error()));
      auto schema = opened->exec("SELECT coalesce(current_schema(), '')");
      if (!schema) return std::unexpected(std::move(schema.error()));
      if (auto listening = opened->run(std::string("LISTEN ") + kChannel); !listening) {
        return std::unexpected(std::move(listening.error()));
      }
      prefix_ = schema->text(0, 0) + " ";
      listener_ = std::move(*opened);
      return true;  // whatever was announced while nobody listened is only in active() now
    }
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      auto heard = listener_->wait_for_notifications(std::max(left, std::chrono::milliseconds(0)));
      if (!heard) {
        listener_.reset();
        return std::unexpected(std::move(heard.error()));
      }
      for (const auto& payload : *heard) {
        if (payload.starts_with(prefix_)) return true;
      }
      if (left.count() <= 0) return false;
    }
  }

 private:
  // Fixed at construction.
  PgTicketStore& store_;
  // Used by the one thread that calls wait().
  std::optional<Connection> listener_;
  std::string prefix_;  // "<schema> ": what this database's announcements start with

};

}  // namespace
}  // namespace triaged::storage::pg

namespace triaged::storage {

std::unique_ptr<RuleSetFeed> open_rule_set_feed(TicketStore& store) {
  auto* pg = dynamic_cast<pg::PgTicketStore*>(&store);
  if (pg == nullptr) return nullptr;
  return std::make_unique<pg::PgRuleSetFeed>(*pg);
}

}  // namespace triaged::storage
