// A thin RAII layer over sqlite3 in the spirit of SQLiteCpp, returning StoreError values
// instead of throwing. A Database is used by one thread at a time; callers that share one
// across threads hold a GuardedDatabase's mutex for the whole use, statements included.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include <sqlite3.h>

#include "storage/result.h"

namespace triaged::storage {

struct DatabaseDeleter {
  void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};
struct StatementDeleter {
  void operator()(sqlite3_stmt* stmt) const noexcept { sqlite3_finalize(stmt); }
};
using DatabasePtr = std::unique_ptr<sqlite3, DatabaseDeleter>;
using StatementPtr = std::unique_ptr<sqlite3_stmt, StatementDeleter>;

// The one place an SQLite return code becomes a StoreError: `what` says what we were doing,
// SQLite's own message says why it failed. Causes that can pass (disk full, read-only, I/O
// error, busy or locked, cannot open) are Code::unavailable with their cause class, the rest
// Code::io. Success codes (OK, ROW, DONE) pass.
StoreError sqlite_error(sqlite3* db, int rc, std::string_view what);
// The cause class of a (primary or extended) result code that can pass, or null.
const char* unavailable_cause(int rc);
Result<void> check(sqlite3* db, int rc, std::string_view what);

// A prepared statement borrowed from a Database's cache for one use. Its destructor resets
// the statement and clears its bindings, so the next borrower starts clean.
class Statement {
 public:
  // Borrows a cached statement (clearing *borrowed when done) or owns a one-off one.
  Statement(sqlite3* db, sqlite3_stmt* stmt, bool* borrowed) noexcept;
  Statement(sqlite3* db, StatementPtr owned) noexcept;
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  ~Statement();

  // Values are copied into SQLite (SQLITE_TRANSIENT), so no argument has to outlive the call.
  // A failed bind is remembered and reported by the next step(): binds chain without checks.
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, std::string_view value);
  Statement& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
  Statement& bind(int index, const std::optional<std::int64_t>& value);
  Statement& bind_null(int index);
  // As a BLOB: bytes that may hold NULs or invalid UTF-8 and must come back exactly. Empty
  // binds a zero-length BLOB, never NULL.
  Statement& bind_blob(int index, std::string_view bytes);

  // true: a row is available; false: the statement is done.
  Result<bool> step();
  // Steps a statement that returns no rows (or whose rows are of no interest).
  Result<void> run();

  bool is_null(int column) const;
  std::int64_t column_int64(int column) const;
  std::optional<std::int64_t> column_optional_int64(int column) const;
  std::string column_text(int column) const;
  std::string column_blob(int column) const;

 private:
  void remember_bind_error(int rc, int index);

  sqlite3* db_;
  sqlite3_stmt* stmt_;
  bool* borrowed_ = nullptr;
  StatementPtr owned_;
  int bind_rc_ = SQLITE_OK;
  int bind_index_ = 0;
};

class Database {
 public:
  // `flags` are sqlite3_open_v2 flags; SQLITE_OPEN_URI is always added. Fails naming `path`.
  static Result<Database> open(const std::string& path, int flags);

  Database(Database&&) noexcept = default;
  Database& operator=(Database&&) noexcept = default;

  // Runs one or more statements that take no parameters (DDL, PRAGMAs).
  Result<void> exec(const std::string& sql);
  // Prepares `sql` once per connection and lends it out. Borrowing the same SQL again before
  // the first borrow ends gets a private one-off statement rather than a clobbered one.
  Result<Statement> prepare(std::string_view sql);
  // The first column of the first row of `sql`, for PRAGMAs and aggregates.
  Result<std::int64_t> query_int64(std::string_view sql);
  // One parameterless statement run many times (SAVEPOINT per batched write): prepared once
  // from the cache instead of parsed by exec() on every call.
  Result<void> run(std::string_view sql);

  bool in_transaction() const { return sqlite3_get_autocommit(db_.get()) == 0; }
  sqlite3* handle() const { return db_.get(); }

 private:
  explicit Database(DatabasePtr db) : db_(std::move(db)) {}

  struct CachedStatement {
    StatementPtr stmt;
    bool borrowed = false;
  };
  // Declared after db_ so statements are finalized before the connection closes.
  DatabasePtr db_;
  std::map<std::string, CachedStatement, std::less<>> cache_;
};

// A connection shared by several threads; hold `mutex` for the whole use of `db`.
struct GuardedDatabase {
  explicit GuardedDatabase(Database database) : db(std::move(database)) {}
  std::mutex mutex;
  Database db;
};

// Rolls back in its destructor unless commit() succeeded; the destructor never throws, and a
// failed rollback is ignored because SQLite has then already rolled back on its own.
class Transaction {
 public:
  enum class Mode { deferred, immediate };
  static Result<Transaction> begin(Database& db, Mode mode);

  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  ~Transaction();

  Result<void> commit();

 private:
  explicit Transaction(Database& db) : db_(&db) {}
  Database* db_;  // null once committed or moved from
};

}  // namespace triaged::storage
