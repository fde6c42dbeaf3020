// storage: how every store operation fails. One error type for every role interface and
// backend, so callers sort failures (retry later, bad request, conflict) without knowing
// which database answered.
#pragma once

#include <expected>
#include <string>

namespace triaged::storage {

struct StoreError {
  enum class Code {
    io,          // the database failed in a way retrying will not fix: corruption, a
                 // statement or row SQLite rejects, a bug
    unavailable, // the database cannot be written (or read) now for a cause that can pass
                 // without anyone touching the data: disk full, file read-only, I/O error,
                 // locked past busy_timeout, a journal that cannot be opened. Nothing of the
                 // failed write was stored; retry later
    conflict,    // the idempotency key was used before for a different request
    overloaded,  // the write queue is full; retry later
    closed,      // the store is shutting down
    bad_request, // the caller passed something malformed (a list cursor not from next_cursor)
  };
  Code code = Code::io;
  std::string message;  // for logs: may name files and SQL
  // Code::unavailable: the cause class in two or three words ("disk full", "read-only
  // database", "I/O error", "database locked", "cannot open a database file"). Never a path
  // or SQL, so it may be shown to clients.
  std::string cause;
};

template <typename T>
using Result = std::expected<T, StoreError>;

}  // namespace triaged::storage
