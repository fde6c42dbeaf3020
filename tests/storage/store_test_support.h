// Shared setup for storage tests: temp database files, sample tickets, and a collector for
// create() callbacks that arrive on the writer thread.
#pragma once

#include <catch2/catch.hpp>
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "storage/ticket_store.h"
#ifdef TRIAGED_TEST_POSTGRES
#include "storage_pg/postgres_store.h"
#endif

namespace triaged::storage::test {

#ifdef TRIAGED_TEST_POSTGRES
// The backend under test: PostgreSQL when ctest (or a developer) names a server in
// TRIAGED_TEST_PG_URL or TRIAGED_TEST_PG_URL_FILE, SQLite otherwise. One suite for both: the
// stores come from options_for() and open_store() below. pg_test_database.cpp.
bool postgres_under_test();
// A URL to an empty schema of its own on that server.
std::string fresh_postgres_url();
// RawConnection's PostgreSQL side: exec answers 0 (SQLITE_OK) on success, 1 otherwise.
struct PgRaw;
PgRaw* pg_raw_open(const std::string& url);
void pg_raw_close(PgRaw* raw);
int pg_raw_exec(PgRaw* raw, const std::string& sql);
std::string pg_raw_query(PgRaw* raw, const std::string& sql);
#else
inline bool postgres_under_test() { return false; }
inline std::string fresh_postgres_url() { return {}; }
struct PgRaw;
inline PgRaw* pg_raw_open(const std::string&) { return nullptr; }
inline void pg_raw_close(PgRaw*) {}
inline int pg_raw_exec(PgRaw*, const std::string&) { return 1; }
inline std::string pg_raw_query(PgRaw*, const std::string&) { return {}; }
#endif

inline Clock::time_point at_ms(std::int64_t ms) {
  return Clock::time_point(std::chrono::milliseconds(ms));
}

// A database path in the temp directory, unique per test run, removed with its WAL files.
class TempDatabase {
 public:
  TempDatabase() {
    static std::atomic<int> counter{0};
    std::random_device random;
    path_ = std::filesystem::temp_directory_path() /
            ("triaged-storage-test-" + std::to_string(random()) + "-" +
             std::to_string(counter.fetch_add(1)) + ".db");
  }
  ~TempDatabase() {
    std::error_code ignored;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
      std::filesystem::remove(path_.string() + suffix, ignored);
    }
  }
  TempDatabase(const TempDatabase&) = delete;
  TempDatabase& operator=(const TempDatabase&) = delete;

  // On PostgreSQL: the URL of this database's schema, so what a test opens and looks into
  // (RawConnection) is the database under test.
  std::string path() const { return postgres_under_test() ? postgres_url() : path_.string(); }
  // On PostgreSQL: this database's schema, made on first use, so options for one TempDatabase
  // name one database however often they are asked for.
  const std::string& postgres_url() const {
    if (postgres_url_.empty()) postgres_url_ = fresh_postgres_url();
    return postgres_url_;
  }

 private:
  std::filesystem::path path_;
  mutable std::string postgres_url_;
};

enum class Backing { memory, file };

inline std::string to_string(Backing backing) {
  return backing == Backing::memory ? "memory" : "file";
}

// Options for a store on `backing`; `file` must outlive the store when backing is file. On
// PostgreSQL both backings are a schema of the server's, `file`'s own.
inline StoreOptions options_for(Backing backing, const TempDatabase& file) {
  StoreOptions options;
  options.path = backing == Backing::memory ? ":memory:" : file.path();
  if (postgres_under_test()) options.path = file.postgres_url();
  options.create_if_missing = true;
  return options;
}

inline std::unique_ptr<TicketStore> open_store(const StoreOptions& options) {
#ifdef TRIAGED_TEST_POSTGRES
  auto store = open_any_store(options);
#else
  auto store = TicketStore::open(options);
#endif
  if (!store) FAIL("open failed: " << store.error().message);
  return std::move(*store);
}

inline NewTicket make_ticket(const std::string& subject,
                             const std::string& department = "logistics",
                             const std::string& status = "new",
                             const std::string& topic = "delivery") {
  NewTicket t;
  t.ticket.subject = subject;
  t.ticket.body = "Body of " + subject;
  t.ticket.channel = "web";
  t.ticket.requester = {"Anna", "anna@example.com", "+7 900 000-00-00"};
  t.topic = topic;
  t.department = department;
  t.status = status;
  t.received_at = at_ms(1'700'000'000'000);
  t.rules_version = "rules-v1";
  t.decision_json = R"({"topic":")" + topic + R"("})";
  t.request_hash = "hash-of-" + subject;
  return t;
}

// What migration 6 (requesters) added, dropped again, for tests that rebuild an older
// database: its tables and the tickets column, then its columns on messages.
inline constexpr const char kDropRequesterSchema[] =
    "DROP TABLE IF EXISTS ticket_links; DROP TABLE IF EXISTS ticket_match_keys; "
    "DROP TABLE IF EXISTS requester_values; DROP TABLE IF EXISTS requester_keys; "
    "DROP INDEX IF EXISTS tickets_by_requester; ALTER TABLE tickets DROP COLUMN requester_id; "
    "DROP TABLE IF EXISTS requesters; ";
// What migrations 7 (internal notes, deflections) and 8 (satisfaction) added, dropped again.
inline constexpr const char kDropStaffThreadSchema[] =
    "DROP TABLE IF EXISTS satisfaction; DROP TABLE IF EXISTS internal_notes; DROP TABLE IF EXISTS deflections; ";
inline constexpr const char kDropMessageIdempotency[] =
    "DROP INDEX IF EXISTS messages_by_idempotency_key; ALTER TABLE messages DROP COLUMN idempotency_key; "
    "ALTER TABLE messages DROP COLUMN request_hash; ";

inline CreateOutcome create_ok(TicketStore& store, NewTicket ticket) {
  auto outcome = store.create_and_wait(std::move(ticket));
  if (!outcome) FAIL("create failed: " << outcome.error().message);
  return std::move(*outcome);
}

// Collects create() results delivered on the writer thread.
class Outcomes {
 public:
  TicketStore::CreateCallback callback() {
    return [this](Result<CreateOutcome> outcome) {
      std::lock_guard lock(mutex_);
      results_.push_back(std::move(outcome));
      arrived_.notify_all();
    };
  }
  // All results, once `count` have arrived; fails the test if they do not within `timeout`.
  std::vector<Result<CreateOutcome>> wait_for(
      std::size_t count, std::chrono::seconds timeout = std::chrono::seconds(30)) {
    std::unique_lock lock(mutex_);
    const bool arrived = arrived_.wait_for(lock, timeout, [&] { return results_.size() >= count; });
    if (!arrived) FAIL("only " << results_.size() << " of " << count << " creates completed");
    return results_;
  }
  std::size_t size() {
    std::lock_guard lock(mutex_);
    return results_.size();
  }

 private:
  std::mutex mutex_;
  std::condition_variable arrived_;
  std::vector<Result<CreateOutcome>> results_;
};

// A raw connection to a test database, for looking underneath the store: SQLite, or on
// PostgreSQL the schema a TempDatabase's path() names (plain SQL reads the same on both).
class RawConnection {
 public:
  explicit RawConnection(const std::string& path) {
    if (postgres_under_test()) {
      pg_ = pg_raw_open(path);
      return;
    }
    REQUIRE(sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK);
    sqlite3_busy_timeout(db_, 5000);
  }
  ~RawConnection() {
    if (pg_ != nullptr) pg_raw_close(pg_);
    sqlite3_close_v2(db_);
  }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  int exec(const std::string& sql) {
    if (pg_ != nullptr) return pg_raw_exec(pg_, sql);
    return sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr);
  }
  // The first column of the first row as text; "" when there is no row.
  std::string query(const std::string& sql) {
    if (pg_ != nullptr) return pg_raw_query(pg_, sql);
    sqlite3_stmt* stmt = nullptr;
    REQUIRE(sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK);
    std::string value;
    if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0) != nullptr) {
      value = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    }
    sqlite3_finalize(stmt);
    return value;
  }

 private:
  sqlite3* db_ = nullptr;
  PgRaw* pg_ = nullptr;
};

}  // namespace triaged::storage::test
