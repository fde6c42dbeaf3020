// A thin RAII wrapper over one libpq connection: statements with parameters, each prepared
// once per connection and kept by its SQL text; results in text format, bytea parameters in
// binary. Errors come back as StoreError: SQLSTATEs that can pass without anyone touching the
// data (connection lost, shutdown, disk full, too many connections, deadlock, serialization)
// are Code::unavailable, the rest Code::io. Not thread-safe: one thread uses a connection at
// a time. No libpq type leaves storage_pg.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "storage/result.h"

struct pg_conn;
struct pg_result;

namespace triaged::storage::pg {

// One statement parameter: NULL, text, or bytes (sent in binary, so NULs survive).
struct Param {
  std::optional<std::string> value;
  bool binary = false;
};
Param text(std::string value);
Param int64(std::int64_t value);
Param int64(std::optional<std::int64_t> value);
Param boolean(bool value);
Param bytes(std::string value);
Param null();

class Rows {
 public:
  explicit Rows(pg_result* result);
  int size() const;
  bool is_null(int row, int column) const;
  std::string text(int row, int column) const;           // NULL reads as ""
  std::int64_t int64(int row, int column) const;         // NULL reads as 0
  std::optional<std::int64_t> optional_int64(int row, int column) const;
  bool boolean(int row, int column) const;
  std::string bytes(int row, int column) const;          // a bytea column
  std::int64_t affected() const;                         // rows an INSERT/UPDATE/DELETE touched

 private:
  struct Free {
    void operator()(pg_result* r) const;
  };
  std::unique_ptr<pg_result, Free> result_;
};

// The SQLSTATE unique_violation and the two a retry of the same work may cure.
bool is_unique_violation(const StoreError& error);
bool is_retryable(const StoreError& error);  // deadlock_detected, serialization_failure

// `url` with any password in it replaced by "***": what may appear in messages and logs.
std::string redact_url(std::string_view url);

class Connection {
 public:
  // Connects to `url` (postgresql://user@host:port/db?...). The password is what libpq finds
  // (PGPASSWORD, PGPASSFILE, the URL's passfile=, ~/.pgpass), never a command-line argument.
  // Fails with Code::unavailable when the server cannot be reached now; the message names the
  // URL without its password.
  static Result<Connection> connect(const std::string& url);
  Connection(Connection&&) noexcept;
  Connection& operator=(Connection&&) noexcept;
  ~Connection();

  // Runs one statement (prepared on first use). A lost connection is reset before the next
  // statement, so the connection recovers when the server is back.
  Result<Rows> exec(std::string_view sql, const std::vector<Param>& params = {});
  // Runs a script of statements without parameters (migrations, BEGIN, SAVEPOINT).
  Result<void> run(std::string_view sql);
  // Not idle: inside a transaction, or inside a failed one.
  bool in_transaction() const;
  // The connection to the server is lost (it is reset before the next statement).
  bool broken() const;
  // After LISTEN on this connection: waits up to `timeout` for notifications and returns the
  // payloads of every one that arrived (none: nothing in time). Code::unavailable when the
  // connection is lost (it is not reset here: a reset would drop the LISTEN silently).
  Result<std::vector<std::string>> wait_for_notifications(std::chrono::milliseconds timeout);

 private:
  explicit Connection(pg_conn* conn, std::string url);
  Result<void> ensure_connected();
  StoreError error_of(pg_result* result, std::string_view sql) const;

  pg_conn* conn_ = nullptr;
  std::string url_;  // redacted
  std::unordered_map<std::string, std::string> prepared_;  // SQL text -> statement name
};

// BEGIN on construction; ROLLBACK on destruction unless commit() succeeded. Never throws.
class Transaction {
 public:
  static Result<Transaction> begin(Connection& db);
  Transaction(Transaction&& other) noexcept;
  ~Transaction();
  Result<void> commit();

 private:
  explicit Transaction(Connection& db) : db_(&db) {}
  Connection* db_;
};

}  // namespace triaged::storage::pg
