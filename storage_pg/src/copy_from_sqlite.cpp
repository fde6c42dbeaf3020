#include "storage_pg/copy_from_sqlite.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <optional>
#include <set>
#include <string_view>
#include <utility>

#include "database.h"
#include "migrations.h"
#include "pg_connection.h"
#include "pg_copy_target.h"

namespace triaged::storage {
namespace {

// Every table of the SQLite schema (storage/src/migrations.cpp), parents before children so
// each foreign key finds its row. A table missing here stops the copy before it starts
// (source_tables_known): a later migration's table must be added, never silently left behind.
constexpr std::array<std::string_view, 17> kTables{
    "rule_sets",     "requesters",     "requester_keys", "tickets",
    "requester_values", "ticket_events", "ticket_match_keys", "ticket_links",
    "messages",      "attachments",    "quarantine",     "outbox",
    "escalations",   "webhook_outbox", "internal_notes", "deflections",
    "satisfaction",
};

// A transaction commits every this many rows: an interrupted copy keeps most of its work and
// a re-run has little to redo, while a commit's flush is paid once per many batches.
constexpr std::int64_t kRowsPerTransaction = 10000;
// PostgreSQL numbers a statement's parameters with 16 bits.
constexpr int kMaxParameters = 65535;

struct Column {
  std::string name;
  std::string type;  // PostgreSQL's udt_name: int8, int4, text, bool, bytea
};

std::string quoted(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    out += c;
    if (c == '"') out += '"';
  }
  return out + "\"";
}

StoreError in_table(StoreError error, std::string_view table) {
  error.message = "copying " + std::string(table) + ": " + error.message;
  return error;
}

Result<void> source_tables_known(Database& src) {
  auto stmt = src.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'");
  if (!stmt) return std::unexpected(std::move(stmt.error()));
  for (;;) {
    auto row = stmt->step();
    if (!row) return std::unexpected(std::move(row.error()));
    if (!*row) return {};
    const std::string name = stmt->column_text(0);
    if (std::find(kTables.begin(), kTables.end(), name) == kTables.end()) {
      return std::unexpected(StoreError{StoreError::Code::io, "the SQLite database has a table \"" + name +
                                                                  "\" this build of migrate-db does not copy"});
    }
  }
}

// The target's columns that the source has too, in the target's order. A source column the
// target lacks would be lost, so it is an error; a target column the source lacks keeps its
// default.
Result<std::vector<Column>> columns_to_copy(Database& src, pg::Connection& dst, std::string_view table) {
  std::set<std::string> source;
  auto stmt = src.prepare("SELECT name FROM pragma_table_info(?1)");
  if (!stmt) return std::unexpected(std::move(stmt.error()));
  stmt->bind(1, table);
  for (;;) {
    auto row = stmt->step();
    if (!row) return std::unexpected(std::move(row.error()));
    if (!*row) break;
    source.insert(stmt->column_text(0));
  }
  auto target = dst.exec(
      "SELECT column_name, udt_name FROM information_schema.columns "
      "WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
      {pg::text(std::string(table))});
  if (!target) return std::unexpected(std::move(target.error()));
  std::vector<Column> columns;
  for (int i = 0; i < target->size(); ++i) {
    Column column{target->text(i, 0), target->text(i, 1)};
    if (source.erase(column.name) > 0) columns.push_back(std::move(column));
  }
  if (columns.empty()) {
    return std::unexpected(StoreError{StoreError::Code::io, "the PostgreSQL schema has no table " + std::string(table)});
  }
  if (!source.empty()) {
    return std::unexpected(StoreError{StoreError::Code::io, "column " + std::string(table) + "." + *source.begin() +
                                                                " has no counterpart in the PostgreSQL schema"});
  }
  return columns;
}

std::string insert_sql(std::string_view table, const std::vector<Column>& columns, int rows) {
  std::string sql = "INSERT INTO " + quoted(table) + " (";
  for (std::size_t c = 0; c < columns.size(); ++c) sql += (c ? ", " : "") + quoted(columns[c].name);
  sql += ") VALUES ";
  int n = 0;
  for (int r = 0; r < rows; ++r) {
    sql += r ? ",(" : "(";
    for (std::size_t c = 0; c < columns.size(); ++c) {
      sql += (c ? ",$" : "$") + std::to_string(++n) + "::" + columns[c].type;
    }
    sql += ")";
  }
  // A row an earlier run copied is left as it is: a re-run finishes a copy, never rewrites it.
  return sql + " ON CONFLICT DO NOTHING";
}

class TableCopier {
 public:
  TableCopier(Database& src, pg::Connection& dst, const CopyOptions& options, TableCopy& copy,
              std::vector<Column> columns)
      : src_(src), dst_(dst), options_(options), copy_(copy), columns_(std::move(columns)),
        batch_rows_(std::max(1, std::min(options.batch_rows, kMaxParameters / static_cast<int>(columns_.size())))),
        full_batch_sql_(insert_sql(copy.table, columns_, batch_rows_)) {
    params_.reserve(static_cast<std::size_t>(batch_rows_) * columns_.size());
  }

  Result<void> run() {
    std::string select = "SELECT ";
    for (std::size_t c = 0; c < columns_.size(); ++c) select += (c ? ", " : "") + quoted(columns_[c].name);
    auto stmt = src_.prepare(select + " FROM " + quoted(copy_.table));
    if (!stmt) return std::unexpected(std::move(stmt.error()));
    for (;;) {
      auto row = stmt->step();
      if (!row) return std::unexpected(std::move(row.error()));
      if (!*row) break;
      for (std::size_t c = 0; c < columns_.size(); ++c) {
        const int i = static_cast<int>(c);
        if (stmt->is_null(i)) {
          params_.push_back(pg::null());
        } else if (columns_[c].type == "bytea") {
          params_.push_back(pg::bytes(stmt->column_blob(i)));
        } else {
          params_.push_back(pg::text(stmt->column_text(i)));  // integers as digits, booleans as 0/1
        }
      }
      if (++rows_ == batch_rows_) {
        if (auto sent = send(); !sent) return sent;
      }
    }
    if (auto sent = send(); !sent) return sent;
    return commit();
  }

 private:
  Result<void> send() {
    if (rows_ == 0) return {};
    if (!tx_) {
      auto begun = pg::Transaction::begin(dst_);
      if (!begun) return std::unexpected(std::move(begun.error()));
      tx_.emplace(std::move(*begun));
    }
    auto done = dst_.exec(rows_ == batch_rows_ ? full_batch_sql_ : insert_sql(copy_.table, columns_, rows_), params_);
    if (!done) return std::unexpected(std::move(done.error()));
    rows_in_tx_ += rows_;
    pending_rows_ += rows_;
    pending_inserted_ += done->affected();
    params_.clear();
    rows_ = 0;
    if (rows_in_tx_ >= kRowsPerTransaction) return commit();
    return {};
  }

  // Progress counts committed rows only: what a re-run would not have to copy again.
  Result<void> commit() {
    if (tx_) {
      auto committed = tx_->commit();
      tx_.reset();
      if (!committed) return committed;
    }
    rows_in_tx_ = 0;
    copy_.copied += std::exchange(pending_rows_, 0);
    copy_.inserted += std::exchange(pending_inserted_, 0);
    copy_.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    if (options_.progress) options_.progress(copy_, false);
    return {};
  }

  Database& src_;
  pg::Connection& dst_;
  const CopyOptions& options_;
  TableCopy& copy_;
  const std::vector<Column> columns_;
  const int batch_rows_;
  const std::string full_batch_sql_;
  const std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::vector<pg::Param> params_;
  std::optional<pg::Transaction> tx_;
  int rows_ = 0;
  std::int64_t rows_in_tx_ = 0;
  std::int64_t pending_rows_ = 0;
  std::int64_t pending_inserted_ = 0;
};

}  // namespace

Result<std::vector<TableCopy>> copy_sqlite_to_postgres(const CopyOptions& options) {
  auto src = Database::open(options.sqlite_path, SQLITE_OPEN_READONLY);
  if (!src) return std::unexpected(std::move(src.error()));
  if (auto current = check_schema_current(*src); !current) {
    return std::unexpected(StoreError{StoreError::Code::io, options.sqlite_path + ": " + current.error().message});
  }
  if (auto known = source_tables_known(*src); !known) return std::unexpected(std::move(known.error()));
  auto dst = pg::open_copy_target(options.postgres_url);
  if (!dst) return std::unexpected(std::move(dst.error()));
  if (!options.resume) {
    if (auto empty = pg::refuse_unless_empty(*dst, kTables); !empty) return std::unexpected(std::move(empty.error()));
  }

  // One read transaction: every table comes from the same moment of the file, even while a
  // daemon still writes to it (WAL readers see a snapshot).
  auto snapshot = Transaction::begin(*src, Transaction::Mode::deferred);
  if (!snapshot) return std::unexpected(std::move(snapshot.error()));
  std::vector<TableCopy> copies;
  for (std::string_view table : kTables) {
    auto count = src->query_int64("SELECT count(*) FROM " + quoted(table));
    if (!count) return std::unexpected(in_table(std::move(count.error()), table));
    copies.push_back(TableCopy{.table = std::string(table), .source_rows = *count});
  }
  for (TableCopy& copy : copies) {
    auto columns = columns_to_copy(*src, *dst, copy.table);
    if (!columns) return std::unexpected(in_table(std::move(columns.error()), copy.table));
    if (auto copied = TableCopier(*src, *dst, options, copy, std::move(*columns)).run(); !copied) {
      return std::unexpected(in_table(std::move(copied.error()), copy.table));
    }
    if (auto advanced = pg::advance_sequence(*dst, copy.table); !advanced) {
      return std::unexpected(in_table(std::move(advanced.error()), copy.table));
    }
    if (options.progress) options.progress(copy, true);
  }
  for (TableCopy& copy : copies) {
    auto count = pg::count_rows(*dst, copy.table);
    if (!count) return std::unexpected(in_table(std::move(count.error()), copy.table));
    copy.target_rows = *count;
  }
  return copies;
}

}  // namespace triaged::storage
