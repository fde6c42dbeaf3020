// EscalationStore on the SQLite store's own connections: writes through its writer's
// write_now (one IMMEDIATE transaction each, serialised with the batched ticket writes),
// reads through its reader.
#include <algorithm>
#include <utility>

#include "escalation_backends.h"
#include "escalation_rows.h"
#include "sqlite_ticket_store.h"

namespace triaged::storage {
namespace {

class SqliteEscalationStore final : public EscalationStore {
 public:
  explicit SqliteEscalationStore(SqliteTicketStore& store) : writer_(store.writer()), reader_(store.reader()) {}

  Result<SlaTicketPage> open_tickets(std::int64_t after_id, int limit) override {
    limit = std::clamp(limit, 1, 1000);
    return reader_.with_connection([&](Database& db) { return read_open_tickets(db, after_id, limit); });
  }

  Result<EscalationOutcome> record(const Escalation& escalation) override {
    EscalationOutcome outcome;
    auto written = writer_.write_now([&](Database& db) -> Result<void> {
      auto done = record_escalation(db, escalation);
      if (!done) return std::unexpected(std::move(done.error()));
      outcome = *done;
      return {};
    });
    if (!written) return std::unexpected(std::move(written.error()));
    return outcome;
  }

  Result<std::vector<EscalationRecord>> escalations(std::int64_t ticket_id) override {
    return reader_.with_connection([&](Database& db) { return read_escalations(db, ticket_id); });
  }

  Result<std::vector<WebhookItem>> due_webhooks(Clock::time_point now, int limit) override {
    return reader_.with_connection([&](Database& db) { return read_webhooks(db, 0, now, limit); });
  }

  Result<std::vector<WebhookItem>> webhooks(std::int64_t ticket_id) override {
    return reader_.with_connection([&](Database& db) { return read_webhooks(db, ticket_id, {}, 1000); });
  }

  Result<void> mark_webhook_sent(std::int64_t webhook_id, Clock::time_point at) override {
    return writer_.write_now([&](Database& db) { return webhook_sent(db, webhook_id, at); });
  }

  Result<void> mark_webhook_failed(std::int64_t webhook_id, const std::string& error,
                                   std::optional<Clock::time_point> next_attempt_at, Clock::time_point now) override {
    return writer_.write_now([&](Database& db) { return webhook_failed(db, webhook_id, error, next_attempt_at, now); });
  }

 private:
  TicketWriter& writer_;
  TicketReader& reader_;
};

}  // namespace

Result<std::unique_ptr<EscalationStore>> open_escalations(TicketStore& store) {
  auto* sqlite = dynamic_cast<SqliteTicketStore*>(&store);
  if (sqlite == nullptr) return open_other_escalations(store);  // another backend's own
  return std::make_unique<SqliteEscalationStore>(*sqlite);
}

}  // namespace triaged::storage
