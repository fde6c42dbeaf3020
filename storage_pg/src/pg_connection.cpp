#include "pg_connection.h"

#include <libpq-fe.h>
#include <poll.h>

#include <cerrno>
#include <utility>

namespace triaged::storage::pg {
namespace {

// Enough of a statement's SQL to recognise it in a log line without flooding it.
std::string sql_excerpt(std::string_view sql) {
  constexpr std::size_t kMaxExcerpt = 60;
  if (sql.size() <= kMaxExcerpt) return std::string(sql);
  return std::string(sql.substr(0, kMaxExcerpt)) + "...";
}

// The cause class of a SQLSTATE that can pass on its own, or null.
const char* unavailable_cause(std::string_view state) {
  if (state.starts_with("08")) return "database unreachable";
  if (state == "57P01" || state == "57P02" || state == "57P03") return "database shutting down";
  if (state == "53100") return "disk full";
  if (state == "53300") return "too many connections";
  if (state.starts_with("53")) return "database out of resources";
  if (state == "40P01" || state == "40001") return "database locked";
  if (state == "55P03") return "database locked";
  if (state == "25006") return "read-only database";
  return nullptr;
}

}  // namespace

Param text(std::string value) { return Param{std::move(value), false}; }
Param int64(std::int64_t value) { return Param{std::to_string(value), false}; }
Param int64(std::optional<std::int64_t> value) {
  return value ? int64(*value) : null();
}
Param boolean(bool value) { return Param{value ? "t" : "f", false}; }
Param bytes(std::string value) { return Param{std::move(value), true}; }
Param null() { return Param{}; }

Rows::Rows(pg_result* result) : result_(result) {}
void Rows::Free::operator()(pg_result* r) const { PQclear(r); }
int Rows::size() const { return PQntuples(result_.get()); }
bool Rows::is_null(int row, int column) const { return PQgetisnull(result_.get(), row, column) != 0; }
std::string Rows::text(int row, int column) const {
  return std::string(PQgetvalue(result_.get(), row, column),
                     static_cast<std::size_t>(PQgetlength(result_.get(), row, column)));
}
std::int64_t Rows::int64(int row, int column) const {
  if (is_null(row, column)) return 0;
  return std::stoll(PQgetvalue(result_.get(), row, column));
}
std::optional<std::int64_t> Rows::optional_int64(int row, int column) const {
  if (is_null(row, column)) return std::nullopt;
  return int64(row, column);
}
bool Rows::boolean(int row, int column) const {
  return !is_null(row, column) && PQgetvalue(result_.get(), row, column)[0] == 't';
}
std::string Rows::bytes(int row, int column) const {
  if (is_null(row, column)) return {};
  std::size_t length = 0;
  unsigned char* raw = PQunescapeBytea(
      reinterpret_cast<const unsigned char*>(PQgetvalue(result_.get(), row, column)), &length);
  if (raw == nullptr) return {};
  std::string out(reinterpret_cast<const char*>(raw), length);
  PQfreemem(raw);
  return out;
}
std::int64_t Rows::affected() const {
  const char* count = PQcmdTuples(result_.get());
  return count == nullptr || *count == '\0' ? 0 : std::stoll(count);
}

bool is_unique_violation(const StoreError& error) {
  return error.message.find("(SQLSTATE 23505)") != std::string::npos;
}

bool is_retryable(const StoreError& error) {
  return error.message.find("(SQLSTATE 40P01)") != std::string::npos ||
         error.message.find("(SQLSTATE 40001)") != std::string::npos;
}

std::string redact_url(std::string_view url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return std::string(url);
  const auto authority = scheme_end + 3;
  const auto at = url.find('@', authority);
  const auto slash = url.find('/', authority);
  if (at == std::string_view::npos || (slash != std::string_view::npos && slash < at)) {
    return std::string(url);
  }
  const auto colon = url.find(':', authority);
  if (colon == std::string_view::npos || colon > at) return std::string(url);
  return std::string(url.substr(0, colon)) + ":***" + std::string(url.substr(at));
}

Result<Connection> Connection::connect(const std::string& url) {
  // The URL expands into its keywords (expand_dbname).
  const char* keywords[] = {"dbname", nullptr};
  const char* values[] = {url.c_str(), nullptr};
  pg_conn* conn = PQconnectdbParams(keywords, values, 1);
  if (conn == nullptr) {
    return std::unexpected(StoreError{StoreError::Code::io, "libpq could not allocate a connection"});
  }
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string why = PQerrorMessage(conn);
    while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
    PQfinish(conn);
    return std::unexpected(StoreError{StoreError::Code::unavailable,
                                      redact_url(url) + ": cannot connect: " + why,
                                      "database unreachable"});
  }
  Connection connection(conn, redact_url(url));
  // Notices (an IF NOT EXISTS that found the thing) are not errors and would go to stderr.
  PQsetNoticeProcessor(conn, [](void*, const char*) {}, nullptr);
  return connection;
}

Connection::Connection(pg_conn* conn, std::string url) : conn_(conn), url_(std::move(url)) {}
Connection::Connection(Connection&& other) noexcept
    : conn_(std::exchange(other.conn_, nullptr)),
      url_(std::move(other.url_)),
      prepared_(std::move(other.prepared_)) {}
Connection& Connection::operator=(Connection&& other) noexcept {
  if (this != &other) {
    if (conn_ != nullptr) PQfinish(conn_);
    conn_ = std::exchange(other.conn_, nullptr);
    url_ = std::move(other.url_);
    prepared_ = std::move(other.prepared_);
  }
  return *this;
}
Connection::~Connection() {
  if (conn_ != nullptr) PQfinish(conn_);
}

Result<void> Connection::ensure_connected() {
  if (PQstatus(conn_) == CONNECTION_OK) return {};
  // Statements prepared on the lost session are gone with it.
  prepared_.clear();
  PQreset(conn_);
  if (PQstatus(conn_) == CONNECTION_OK) return {};
  return std::unexpected(StoreError{StoreError::Code::unavailable,
                                    url_ + ": connection lost: " + PQerrorMessage(conn_),
                                    "database unreachable"});
}

StoreError Connection::error_of(pg_result* result, std::string_view sql) const {
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  std::string why = result != nullptr ? PQresultErrorMessage(result) : PQerrorMessage(conn_);
  while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
  std::string message = sql_excerpt(sql) + ": " + why;
  if (state != nullptr) message += " (SQLSTATE " + std::string(state) + ")";
  const char* cause = state != nullptr ? unavailable_cause(state) : nullptr;
  if (cause == nullptr && PQstatus(conn_) != CONNECTION_OK) cause = "database unreachable";
  if (cause != nullptr) return StoreError{StoreError::Code::unavailable, std::move(message), cause};
  return StoreError{StoreError::Code::io, std::move(message)};
}

Result<Rows> Connection::exec(std::string_view sql, const std::vector<Param>& params) {
  if (auto up = ensure_connected(); !up) return std::unexpected(std::move(up.error()));
  const std::string key(sql);
  auto found = prepared_.find(key);
  if (found == prepared_.end()) {
    const std::string name = "s" + std::to_string(prepared_.size() + 1);
    pg_result* prepared = PQprepare(conn_, name.c_str(), key.c_str(), 0, nullptr);
    // Inside an aborted transaction a prepare fails too: report that, remember nothing.
    if (prepared == nullptr || PQresultStatus(prepared) != PGRES_COMMAND_OK) {
      StoreError error = error_of(prepared, sql);
      PQclear(prepared);
      return std::unexpected(std::move(error));
    }
    PQclear(prepared);
    found = prepared_.emplace(key, name).first;
  }
  std::vector<const char*> values;
  std::vector<int> lengths;
  std::vector<int> formats;
  values.reserve(params.size());
  for (const Param& p : params) {
    values.push_back(p.value ? p.value->data() : nullptr);
    lengths.push_back(p.value ? static_cast<int>(p.value->size()) : 0);
    formats.push_back(p.binary ? 1 : 0);
  }
  pg_result* result = PQexecPrepared(conn_, found->second.c_str(), static_cast<int>(params.size()),
                                     values.data(), lengths.data(), formats.data(), 0);
  const ExecStatusType status = result != nullptr ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return Rows(result);
  StoreError error = error_of(result, sql);
  PQclear(result);
  return std::unexpected(std::move(error));
}

Result<void> Connection::run(std::string_view sql) {
  if (auto up = ensure_connected(); !up) return up;
  const std::string script(sql);
  pg_result* result = PQexec(conn_, script.c_str());
  const ExecStatusType status = result != nullptr ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
    PQclear(result);
    return {};
  }
  StoreError error = error_of(result, sql);
  PQclear(result);
  return std::unexpected(std::move(error));
}

bool Connection::in_transaction() const {
  return conn_ != nullptr && PQtransactionStatus(conn_) != PQTRANS_IDLE;
}

bool Connection::broken() const { return conn_ == nullptr || PQstatus(conn_) != CONNECTION_OK; }

Result<std::vector<std::string>> Connection::wait_for_notifications(std::chrono::milliseconds timeout) {
  const auto lost = [this] {
    return std::unexpected(StoreError{StoreError::Code::unavailable,
                                      url_ + ": connection lost: " + PQerrorMessage(conn_), "database unreachable"});
  };
  std::vector<std::string> payloads;
  const auto drain = [&] {
    while (PGnotify* notification = PQnotifies(conn_)) {
      payloads.emplace_back(notification->extra != nullptr ? notification->extra : "");
      PQfreemem(notification);
    }
  };
  if (broken()) return lost();
  // Notifications read along with an earlier result wait in libpq's queue, not on the socket.
  drain();
  if (!payloads.empty()) return payloads;
  pollfd ready{PQsocket(conn_), POLLIN, 0};
  if (ready.fd < 0) return lost();
  const int n = ::poll(&ready, 1, static_cast<int>(timeout.count()));
  if (n < 0 && errno != EINTR) return lost();
  if (n <= 0) return payloads;
  // A server that went away makes the socket readable too: consuming then fails.
  if (PQconsumeInput(conn_) == 0 || broken()) return lost();
  drain();
  return payloads;
}

Result<Transaction> Transaction::begin(Connection& db) {
  if (auto begun = db.run("BEGIN"); !begun) return std::unexpected(std::move(begun.error()));
  return Transaction(db);
}

Transaction::Transaction(Transaction&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}

Transaction::~Transaction() {
  if (db_ != nullptr && db_->in_transaction()) (void)db_->run("ROLLBACK");
}

Result<void> Transaction::commit() {
  Connection* db = std::exchange(db_, nullptr);
  if (db == nullptr) return {};
  return db->run("COMMIT");
}

}  // namespace triaged::storage::pg
