#include "sqlite_ticket_store.h"

#include "migrations.h"

namespace triaged::storage {
namespace {

constexpr const char* kMemoryPath = ":memory:";

// Durability first: FULL syncs the WAL at every commit, so an acknowledged ticket survives
// power loss; group commit is what keeps that affordable.
Result<void> configure(Database& db, bool in_memory, std::chrono::milliseconds busy_timeout) {
  if (auto rc = check(db.handle(), sqlite3_busy_timeout(db.handle(),
                                                        static_cast<int>(busy_timeout.count())),
                      "setting busy_timeout");
      !rc) {
    return rc;
  }
  if (!in_memory) {
    // journal_mode answers with the mode it ended up in instead of failing.
    auto mode = db.prepare("PRAGMA journal_mode = WAL");
    if (!mode) return std::unexpected(std::move(mode.error()));
    auto row = mode->step();
    if (!row) return std::unexpected(std::move(row.error()));
    if (!*row || mode->column_text(0) != "wal") {
      return std::unexpected(
          StoreError{StoreError::Code::io, "cannot switch the database to WAL mode"});
    }
  }
  if (auto rc = db.exec("PRAGMA synchronous = FULL"); !rc) return rc;
  // Every write of a batch runs in its own SAVEPOINT so a bad row fails alone. SQLite keeps
  // the pages a savepoint may roll back in a sub-journal, a temp file by default: one more
  // pwrite per page per ticket, which cost the writer half its speed. In memory it costs a
  // page copy; durability is the WAL's business and does not change.
  if (auto rc = db.exec("PRAGMA temp_store = MEMORY"); !rc) return rc;
  // A batch of a thousand tickets dirties more than the default 2 MB page cache, and a full
  // cache spills pages to the WAL before the commit, some of them more than once.
  if (auto rc = db.exec("PRAGMA cache_size = -32768"); !rc) return rc;
  return db.exec("PRAGMA foreign_keys = ON");
}

StoreError at_path(const std::string& path, StoreError error) {
  error.message = path + ": " + error.message;
  return error;
}

}  // namespace

Result<std::unique_ptr<TicketStore>> SqliteTicketStore::open(const StoreOptions& options) {
  if (options.path.empty()) {
    return std::unexpected(StoreError{StoreError::Code::io, "no database path given"});
  }
  const bool in_memory = options.path == kMemoryPath;
  if (options.read_only) {
    if (in_memory) {
      return std::unexpected(
          StoreError{StoreError::Code::io, "a :memory: database cannot be opened read-only"});
    }
    return open_read_only(options);
  }
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
  if (options.create_if_missing || in_memory) flags |= SQLITE_OPEN_CREATE;
  auto db = Database::open(options.path, flags);
  if (!db) return std::unexpected(std::move(db.error()));
  if (auto ready = configure(*db, in_memory, options.busy_timeout); !ready) {
    return std::unexpected(at_path(options.path, std::move(ready.error())));
  }
  if (auto migrated = migrate(*db); !migrated) {
    return std::unexpected(at_path(options.path, std::move(migrated.error())));
  }

  auto write_db = std::make_unique<GuardedDatabase>(std::move(*db));
  auto reader = in_memory ? std::make_unique<TicketReader>(*write_db)
                          : std::make_unique<TicketReader>(options.path, options.busy_timeout);
  std::unique_ptr<SqliteTicketStore> store(
      new SqliteTicketStore(std::move(write_db), std::move(reader)));
  auto writer = TicketWriter::start(*store->write_db_, options);
  if (!writer) return std::unexpected(std::move(writer.error()));
  store->writer_ = std::move(*writer);
  return store;
}

Result<std::unique_ptr<TicketStore>> SqliteTicketStore::open_read_only(
    const StoreOptions& options) {
  auto db = Database::open(options.path, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX);
  if (!db) return std::unexpected(std::move(db.error()));
  sqlite3_busy_timeout(db->handle(), static_cast<int>(options.busy_timeout.count()));
  if (auto current = check_schema_current(*db); !current) {
    return std::unexpected(at_path(options.path, std::move(current.error())));
  }
  auto write_db = std::make_unique<GuardedDatabase>(std::move(*db));
  auto reader = std::make_unique<TicketReader>(options.path, options.busy_timeout);
  std::unique_ptr<SqliteTicketStore> store(
      new SqliteTicketStore(std::move(write_db), std::move(reader)));
  auto writer = TicketWriter::start(*store->write_db_, options);
  if (!writer) return std::unexpected(std::move(writer.error()));
  store->writer_ = std::move(*writer);
  // Closed from the start, so every write answers Code::closed without touching the file.
  store->writer_->close();
  return store;
}

SqliteTicketStore::SqliteTicketStore(std::unique_ptr<GuardedDatabase> write_db,
                                     std::unique_ptr<TicketReader> reader)
    : write_db_(std::move(write_db)), reader_(std::move(reader)) {}

SqliteTicketStore::~SqliteTicketStore() { close(); }

void SqliteTicketStore::create(NewTicket ticket, CreateCallback done) {
  writer_->submit(std::move(ticket), std::move(done));
}

Result<std::optional<StoredTicket>> SqliteTicketStore::get(std::int64_t id) {
  return reader_->get(id);
}

Result<std::optional<StoredTicket>> SqliteTicketStore::get_by_ref(const std::string& ref) {
  return reader_->get_by_ref(ref);
}

Result<TicketPage> SqliteTicketStore::list(const TicketQuery& query) {
  return reader_->list(query);
}

Result<std::vector<TicketEvent>> SqliteTicketStore::events(std::int64_t ticket_id) {
  return reader_->events(ticket_id);
}

Result<std::vector<QueueStats>> SqliteTicketStore::queue_stats(Clock::time_point now) {
  return reader_->queue_stats(now);
}

Result<void> SqliteTicketStore::record_rule_set(const std::string& version,
                                                const std::string& name,
                                                const std::string& source,
                                                const std::string& text,
                                                Clock::time_point loaded_at) {
  return writer_->record_rule_set(version, name, source, text, loaded_at);
}

void SqliteTicketStore::close() {
  if (writer_) writer_->close();
}

bool SqliteTicketStore::writable() const { return writer_->writable(); }

std::uint64_t SqliteTicketStore::transactions_committed() const {
  return writer_->transactions_committed();
}

}  // namespace triaged::storage
