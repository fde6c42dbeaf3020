// TicketStore on PostgreSQL: the writer (group commit on its own connection) and the pool.
#pragma once

#include <memory>

#include "pg_pool.h"
#include "pg_writer.h"
#include "storage/escalations.h"
#include "storage/ticket_store.h"

namespace triaged::storage::pg {

class PgTicketStore final : public TicketStore {
 public:
  static Result<std::unique_ptr<TicketStore>> open(const StoreOptions& options);
  ~PgTicketStore() override;

  void create(NewTicket ticket, CreateCallback done) override;
  Result<std::optional<StoredTicket>> get(std::int64_t id) override;
  Result<std::optional<StoredTicket>> get_by_ref(const std::string& ref) override;
  Result<TicketPage> list(const TicketQuery& query) override;
  Result<std::vector<TicketEvent>> events(std::int64_t ticket_id) override;
  Result<std::vector<QueueStats>> queue_stats(Clock::time_point now) override;
  Result<void> record_rule_set(const std::string& version, const std::string& name, const std::string& source,
                               const std::string& text, Clock::time_point loaded_at) override;

  void write_mail(MailWrite write, MailCallback done) override;
  Result<std::optional<std::int64_t>> find_ticket_by_message_ids(const std::vector<std::string>& message_ids) override;
  Result<std::vector<StoredMessage>> messages(std::int64_t ticket_id) override;
  Result<std::optional<std::string>> raw_message(std::int64_t message_id) override;
  Result<std::optional<AttachmentRecord>> attachment(std::int64_t attachment_id) override;
  Result<std::vector<QuarantineEntry>> quarantined(const std::string& status, int limit) override;
  Result<std::optional<QuarantineEntry>> get_quarantined(std::int64_t id) override;
  Result<void> mark_reprocessed(std::int64_t quarantine_id, std::optional<std::int64_t> ticket_id) override;
  Result<std::vector<OutboxItem>> due_outbox(Clock::time_point now, int limit) override;
  Result<void> mark_sent(std::int64_t outbox_id, Clock::time_point at) override;
  Result<void> mark_attempt_failed(std::int64_t outbox_id, const std::string& error,
                                   std::optional<Clock::time_point> next_attempt_at) override;
  Result<std::int64_t> replies_to_since(const std::string& address, Clock::time_point since) override;

  Result<RerouteOutcome> reroute(const Reroute& reroute) override;
  Result<TicketActionOutcome> claim(const Claim& claim) override;
  Result<TicketActionOutcome> change_status(const StatusChange& change) override;
  Result<TicketActionOutcome> change_link(const LinkChange& change) override;
  Result<std::optional<RequesterProfile>> find_requester(const RequesterKeys& keys) override;
  Result<std::optional<RequesterProfile>> requester(std::int64_t id) override;
  Result<std::vector<TicketLink>> links(std::int64_t ticket_id) override;
  Result<std::int64_t> scan_tickets(const ScanQuery& query,
                                    const std::function<bool(const StoredTicket&)>& visit) override;
  Result<std::int64_t> count_tickets(std::optional<Clock::time_point> since) override;
  Result<Coverage> coverage(std::optional<Clock::time_point> since) override;
  // pg_staff_thread.cpp
  Result<StaffReplyOutcome> add_reply(const StaffReply& reply) override;
  Result<StoredNote> add_note(const NewNote& note) override;
  Result<std::vector<StoredNote>> notes(std::int64_t ticket_id) override;
  Result<std::int64_t> record_deflection(const Deflection& deflection) override;
  Result<std::vector<StoredMessage>> customer_thread(std::int64_t ticket_id) override;
  // pg_satisfaction.cpp
  Result<std::optional<SatisfactionState>> satisfaction(std::int64_t ticket_id) override;
  Result<RatingOutcome> rate(const Rating& rating) override;

  void close() override;
  bool writable() const override;
  std::uint64_t transactions_committed() const override;

  // For the escalation tables (pg_escalations.cpp), which share this store's connections.
  Pool& pool() { return *pool_; }
  // A write outside the queue in its own transaction on a pooled connection: Code::closed
  // once close() began; its outcome moves writable().
  template <typename Write>
  auto write_now(Write&& write) -> decltype(write(std::declval<Connection&>()));

 private:
  PgTicketStore(std::unique_ptr<Pool> pool, std::unique_ptr<Writer> writer);

  // Fixed at construction.
  std::unique_ptr<Pool> pool_;
  std::unique_ptr<Writer> writer_;
};

template <typename Write>
auto PgTicketStore::write_now(Write&& write) -> decltype(write(std::declval<Connection&>())) {
  if (writer_->closing()) return std::unexpected(StoreError{StoreError::Code::closed, "the store is closed"});
  auto done = pool_->in_transaction(write);
  const StoreError* unavailable =
      !done && done.error().code == StoreError::Code::unavailable ? &done.error() : nullptr;
  writer_->note_writability(unavailable, done.has_value());
  return done;
}


// The escalation tables of `store` when it is a PgTicketStore; Code::io otherwise. Registered
// with storage's open_escalations when a store opens (pg_escalations.cpp).
Result<std::unique_ptr<EscalationStore>> open_pg_escalations(TicketStore& store);

}  // namespace triaged::storage::pg
