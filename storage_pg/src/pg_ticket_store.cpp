#include "pg_ticket_store.h"

#include "escalation_backends.h"
#include "pg_migrations.h"
#include "pg_ticket_reads.h"
#include "pg_ticket_rows.h"
#include "storage_pg/postgres_store.h"

namespace triaged::storage {

bool is_postgres_url(std::string_view path) {
  return path.starts_with("postgresql://") || path.starts_with("postgres://");
}

Result<std::unique_ptr<TicketStore>> open_postgres_store(const StoreOptions& options) {
  return pg::PgTicketStore::open(options);
}

Result<std::unique_ptr<TicketStore>> open_any_store(const StoreOptions& options) {
  if (is_postgres_url(options.path)) return open_postgres_store(options);
  return TicketStore::open(options);
}

}  // namespace triaged::storage

namespace triaged::storage::pg {

Result<std::unique_ptr<TicketStore>> PgTicketStore::open(const StoreOptions& options) {
  if (!is_postgres_url(options.path)) {
    return std::unexpected(StoreError{StoreError::Code::io, "not a postgresql:// URL: " + redact_url(options.path)});
  }
  // Refused rather than used: a URL is shown in process lists, configs and logs.
  if (redact_url(options.path) != options.path || options.path.find("password=") != std::string::npos) {
    return std::unexpected(StoreError{StoreError::Code::io,
                                      redact_url(options.path) + ": the URL carries a password; give it in a "
                                      "password file, PGPASSWORD or PGPASSFILE instead"});
  }
  if (options.read_only) {
    return std::unexpected(StoreError{StoreError::Code::io, "read_only is not supported on PostgreSQL yet"});
  }
  // open_escalations (storage/escalations.h) then finds this backend's tables.
  register_escalation_opener(&open_pg_escalations);
  auto write_db = Connection::connect(options.path);
  if (!write_db) return std::unexpected(std::move(write_db.error()));
  if (auto migrated = migrate(*write_db); !migrated) {
    StoreError error = std::move(migrated.error());
    error.message = redact_url(options.path) + ": " + error.message;
    return std::unexpected(std::move(error));
  }
  auto writer = Writer::start(std::move(*write_db), options);
  if (!writer) return std::unexpected(std::move(writer.error()));
  return std::unique_ptr<TicketStore>(new PgTicketStore(
      std::make_unique<Pool>(options.path), std::move(*writer)));
}

PgTicketStore::PgTicketStore(std::unique_ptr<Pool> pool, std::unique_ptr<Writer> writer)
    : pool_(std::move(pool)), writer_(std::move(writer)) {}

PgTicketStore::~PgTicketStore() { close(); }

void PgTicketStore::create(NewTicket ticket, CreateCallback done) {
  writer_->submit(std::move(ticket), std::move(done));
}

Result<std::optional<StoredTicket>> PgTicketStore::get(std::int64_t id) {
  return pool_->with_connection([&](Connection& db) { return select_ticket(db, id); });
}

Result<std::optional<StoredTicket>> PgTicketStore::get_by_ref(const std::string& ref) {
  return pool_->with_connection([&](Connection& db) { return read_ticket_by_ref(db, ref); });
}

Result<TicketPage> PgTicketStore::list(const TicketQuery& query) {
  return pool_->with_connection([&](Connection& db) { return list_tickets(db, query); });
}

Result<std::vector<TicketEvent>> PgTicketStore::events(std::int64_t ticket_id) {
  return pool_->with_connection([&](Connection& db) { return read_events(db, ticket_id); });
}

Result<std::vector<QueueStats>> PgTicketStore::queue_stats(Clock::time_point now) {
  return pool_->with_connection([&](Connection& db) { return read_queue_stats(db, now); });
}

Result<void> PgTicketStore::record_rule_set(const std::string& version, const std::string& name,
                                            const std::string& source, const std::string& text,
                                            Clock::time_point loaded_at) {
  return write_now([&](Connection& db) -> Result<void> {
    auto done = db.exec(
        "INSERT INTO rule_sets (version, name, source, text, first_loaded_at) VALUES ($1, $2, $3, $4, $5) "
        "ON CONFLICT (version) DO NOTHING",
        {pg::text(version), pg::text(name), pg::text(source), pg::text(text), int64(to_unix_ms(loaded_at))});
    if (!done) return std::unexpected(std::move(done.error()));
    return {};
  });
}

void PgTicketStore::close() {
  if (writer_) writer_->close();
}

bool PgTicketStore::writable() const { return writer_->writable(); }

std::uint64_t PgTicketStore::transactions_committed() const { return writer_->transactions_committed(); }

}  // namespace triaged::storage::pg
