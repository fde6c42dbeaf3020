#include "database.h"

#include <utility>

namespace triaged::storage {
namespace {

// Enough of a statement's SQL to recognise it in a log line without flooding it.
std::string sql_excerpt(sqlite3_stmt* stmt) {
  constexpr std::size_t kMaxExcerpt = 60;
  const char* sql = sqlite3_sql(stmt);
  std::string text = sql != nullptr ? sql : "?";
  if (text.size() > kMaxExcerpt) {
    text.resize(kMaxExcerpt);
    text += "...";
  }
  return text;
}

}  // namespace

const char* unavailable_cause(int rc) {
  // A corrupt file system, or a database file moved or deleted while open, does not pass
  // on its own, unlike the rest of their primary codes.
  if (rc == SQLITE_IOERR_CORRUPTFS || rc == SQLITE_READONLY_DBMOVED) return nullptr;
  switch (rc & 0xff) {
    case SQLITE_FULL:
      return "disk full";
    case SQLITE_READONLY:
      return "read-only database";
    case SQLITE_IOERR:
      return "I/O error";
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_PROTOCOL:  // a WAL lock race that kept losing
      return "database locked";
    case SQLITE_CANTOPEN:
      return "cannot open a database file";
    default:
      return nullptr;
  }
}

StoreError sqlite_error(sqlite3* db, int rc, std::string_view what) {
  // errmsg describes the connection's most recent failure, which is only ours when its code
  // matches; otherwise fall back to the generic text for rc.
  const bool own_message = db != nullptr && (sqlite3_errcode(db) & 0xff) == (rc & 0xff);
  std::string message(what);
  message += ": ";
  message += own_message ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  // The extended code tells a disk-full commit from a failed fsync in the log.
  const int extended = own_message ? sqlite3_extended_errcode(db) : rc;
  message += " (" + std::to_string(extended) + ")";
  if (const char* cause = unavailable_cause(extended)) {
    return StoreError{StoreError::Code::unavailable, std::move(message), cause};
  }
  return StoreError{StoreError::Code::io, std::move(message)};
}

Result<void> check(sqlite3* db, int rc, std::string_view what) {
  if (rc == SQLITE_OK || rc == SQLITE_ROW || rc == SQLITE_DONE) return {};
  return std::unexpected(sqlite_error(db, rc, what));
}

Statement::Statement(sqlite3* db, sqlite3_stmt* stmt, bool* borrowed) noexcept
    : db_(db), stmt_(stmt), borrowed_(borrowed) {
  *borrowed_ = true;
}

Statement::Statement(sqlite3* db, StatementPtr owned) noexcept
    : db_(db), stmt_(owned.get()), owned_(std::move(owned)) {}

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_),
      stmt_(std::exchange(other.stmt_, nullptr)),
      borrowed_(std::exchange(other.borrowed_, nullptr)),
      owned_(std::move(other.owned_)),
      bind_rc_(other.bind_rc_),
      bind_index_(other.bind_index_) {}

Statement::~Statement() {
  if (stmt_ == nullptr) return;
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  if (borrowed_ != nullptr) *borrowed_ = false;
}

void Statement::remember_bind_error(int rc, int index) {
  if (rc != SQLITE_OK && bind_rc_ == SQLITE_OK) {
    bind_rc_ = rc;
    bind_index_ = index;
  }
}

Statement& Statement::bind(int index, std::int64_t value) {
  remember_bind_error(sqlite3_bind_int64(stmt_, index, value), index);
  return *this;
}

Statement& Statement::bind(int index, std::string_view value) {
  remember_bind_error(sqlite3_bind_text64(stmt_, index, value.data(), value.size(),
                                          SQLITE_TRANSIENT, SQLITE_UTF8),
                      index);
  return *this;
}

Statement& Statement::bind(int index, const std::optional<std::int64_t>& value) {
  return value ? bind(index, *value) : bind_null(index);
}

Statement& Statement::bind_null(int index) {
  remember_bind_error(sqlite3_bind_null(stmt_, index), index);
  return *this;
}

Result<bool> Statement::step() {
  if (bind_rc_ != SQLITE_OK) {
    return std::unexpected(sqlite_error(
        db_, bind_rc_,
        "binding parameter " + std::to_string(bind_index_) + " of " + sql_excerpt(stmt_)));
  }
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return std::unexpected(sqlite_error(db_, rc, sql_excerpt(stmt_)));
}

Result<void> Statement::run() {
  auto stepped = step();
  if (!stepped) return std::unexpected(std::move(stepped.error()));
  return {};
}

Statement& Statement::bind_blob(int index, std::string_view bytes) {
  // A null data pointer would bind NULL, which a NOT NULL BLOB column refuses.
  const int rc = bytes.empty() ? sqlite3_bind_zeroblob(stmt_, index, 0)
                               : sqlite3_bind_blob64(stmt_, index, bytes.data(), bytes.size(),
                                                     SQLITE_TRANSIENT);
  remember_bind_error(rc, index);
  return *this;
}

bool Statement::is_null(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::int64_t Statement::column_int64(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

std::optional<std::int64_t> Statement::column_optional_int64(int column) const {
  if (is_null(column)) return std::nullopt;
  return column_int64(column);
}

std::string Statement::column_text(int column) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  // column_bytes must follow column_text: it reports the size of the UTF-8 form just made.
  const int size = sqlite3_column_bytes(stmt_, column);
  return text != nullptr ? std::string(text, static_cast<std::size_t>(size)) : std::string();
}

std::string Statement::column_blob(int column) const {
  const auto* bytes = static_cast<const char*>(sqlite3_column_blob(stmt_, column));
  const int size = sqlite3_column_bytes(stmt_, column);
  return bytes != nullptr ? std::string(bytes, static_cast<std::size_t>(size)) : std::string();
}

Result<Database> Database::open(const std::string& path, int flags) {
  sqlite3* raw = nullptr;
  // URI names ("file:PATH?vfs=..."), so tests can put a fault-injecting VFS underneath; a
  // plain path means what it always did.
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags | SQLITE_OPEN_URI, nullptr);
  // Own the handle before checking rc: open hands one back even when it fails.
  DatabasePtr db(raw);
  if (rc != SQLITE_OK) {
    return std::unexpected(sqlite_error(db.get(), rc, "cannot open database '" + path + "'"));
  }
  return Database(std::move(db));
}

Result<void> Database::exec(const std::string& sql) {
  return check(db_.get(), sqlite3_exec(db_.get(), sql.c_str(), nullptr, nullptr, nullptr),
               sql.size() > 60 ? sql.substr(0, 60) + "..." : sql);
}

Result<Statement> Database::prepare(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end() && !it->second.borrowed) {
    return Statement(db_.get(), it->second.stmt.get(), &it->second.borrowed);
  }
  sqlite3_stmt* raw = nullptr;
  // PERSISTENT: these live as long as the connection, which lets SQLite allocate accordingly.
  const unsigned flags = it == cache_.end() ? SQLITE_PREPARE_PERSISTENT : 0;
  const int rc = sqlite3_prepare_v3(db_.get(), sql.data(), static_cast<int>(sql.size()), flags,
                                    &raw, nullptr);
  StatementPtr stmt(raw);
  if (rc != SQLITE_OK) {
    return std::unexpected(sqlite_error(db_.get(), rc, "preparing " + std::string(sql)));
  }
  if (it != cache_.end()) return Statement(db_.get(), std::move(stmt));
  auto [inserted, _] = cache_.emplace(std::string(sql), CachedStatement{std::move(stmt)});
  return Statement(db_.get(), inserted->second.stmt.get(), &inserted->second.borrowed);
}

Result<std::int64_t> Database::query_int64(std::string_view sql) {
  auto stmt = prepare(sql);
  if (!stmt) return std::unexpected(std::move(stmt.error()));
  auto row = stmt->step();
  if (!row) return std::unexpected(std::move(row.error()));
  if (!*row) {
    return std::unexpected(StoreError{StoreError::Code::io, "no row from " + std::string(sql)});
  }
  return stmt->column_int64(0);
}

Result<void> Database::run(std::string_view sql) {
  auto stmt = prepare(sql);
  if (!stmt) return std::unexpected(std::move(stmt.error()));
  return stmt->run();
}

Result<Transaction> Transaction::begin(Database& db, Mode mode) {
  // IMMEDIATE takes the write lock up front, so a writer waits in the busy handler here
  // instead of failing at its first INSERT after work was already done.
  auto begun = db.exec(mode == Mode::immediate ? "BEGIN IMMEDIATE" : "BEGIN");
  if (!begun) return std::unexpected(std::move(begun.error()));
  return Transaction(db);
}

Transaction::Transaction(Transaction&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)) {}

Transaction::~Transaction() {
  if (db_ != nullptr && db_->in_transaction()) {
    sqlite3_exec(db_->handle(), "ROLLBACK", nullptr, nullptr, nullptr);
  }
}

Result<void> Transaction::commit() {
  auto committed = db_->exec("COMMIT");
  if (committed) db_ = nullptr;
  return committed;
}

}  // namespace triaged::storage
