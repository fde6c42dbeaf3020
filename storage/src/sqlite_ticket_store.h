// TicketStore on SQLite: composes the write connection, its writer thread and the reader.
#pragma once

#include <memory>

#include "database.h"
#include "storage/ticket_store.h"
#include "ticket_reader.h"
#include "ticket_writer.h"

namespace triaged::storage {

class SqliteTicketStore final : public TicketStore {
 public:
  static Result<std::unique_ptr<TicketStore>> open(const StoreOptions& options);
  ~SqliteTicketStore() override;

  void create(NewTicket ticket, CreateCallback done) override;
  Result<std::optional<StoredTicket>> get(std::int64_t id) override;
  Result<std::optional<StoredTicket>> get_by_ref(const std::string& ref) override;
  Result<TicketPage> list(const TicketQuery& query) override;
  Result<std::vector<TicketEvent>> events(std::int64_t ticket_id) override;
  Result<std::vector<QueueStats>> queue_stats(Clock::time_point now) override;
  Result<void> record_rule_set(const std::string& version, const std::string& name,
                               const std::string& source, const std::string& text,
                               Clock::time_point loaded_at) override;

  void write_mail(MailWrite write, MailCallback done) override;
  Result<std::optional<std::int64_t>> find_ticket_by_message_ids(
      const std::vector<std::string>& message_ids) override;
  Result<std::vector<StoredMessage>> messages(std::int64_t ticket_id) override;
  Result<std::vector<StoredMessage>> customer_thread(std::int64_t ticket_id) override;
  Result<std::optional<std::string>> raw_message(std::int64_t message_id) override;
  Result<std::optional<AttachmentRecord>> attachment(std::int64_t attachment_id) override;
  Result<std::vector<QuarantineEntry>> quarantined(const std::string& status, int limit) override;
  Result<std::optional<QuarantineEntry>> get_quarantined(std::int64_t id) override;
  Result<void> mark_reprocessed(std::int64_t quarantine_id,
                                std::optional<std::int64_t> ticket_id) override;
  Result<std::vector<OutboxItem>> due_outbox(Clock::time_point now, int limit) override;
  Result<void> mark_sent(std::int64_t outbox_id, Clock::time_point at) override;
  Result<void> mark_attempt_failed(std::int64_t outbox_id, const std::string& error,
                                   std::optional<Clock::time_point> next_attempt_at) override;
  Result<std::int64_t> replies_to_since(const std::string& address,
                                        Clock::time_point since) override;

  Result<RerouteOutcome> reroute(const Reroute& reroute) override;
  Result<TicketActionOutcome> claim(const Claim& claim) override;
  Result<TicketActionOutcome> change_status(const StatusChange& change) override;
  Result<std::optional<RequesterProfile>> find_requester(const RequesterKeys& keys) override;
  Result<std::optional<RequesterProfile>> requester(std::int64_t id) override;
  Result<std::vector<TicketLink>> links(std::int64_t ticket_id) override;
  Result<TicketActionOutcome> change_link(const LinkChange& change) override;
  Result<std::int64_t> scan_tickets(const ScanQuery& query,
                                    const std::function<bool(const StoredTicket&)>& visit) override;
  Result<std::int64_t> count_tickets(std::optional<Clock::time_point> since) override;
  Result<Coverage> coverage(std::optional<Clock::time_point> since) override;
  Result<StaffReplyOutcome> add_reply(const StaffReply& reply) override;
  Result<StoredNote> add_note(const NewNote& note) override;
  Result<std::vector<StoredNote>> notes(std::int64_t ticket_id) override;
  Result<std::int64_t> record_deflection(const Deflection& deflection) override;
  Result<std::optional<SatisfactionState>> satisfaction(std::int64_t ticket_id) override;
  Result<RatingOutcome> rate(const Rating& rating) override;

  void close() override;
  bool writable() const override;
  // The escalation tables (sqlite_escalation_store.cpp) share this store's connections.
  TicketWriter& writer() { return *writer_; }
  TicketReader& reader() { return *reader_; }
  std::uint64_t transactions_committed() const override;

 private:
  static Result<std::unique_ptr<TicketStore>> open_read_only(const StoreOptions& options);
  SqliteTicketStore(std::unique_ptr<GuardedDatabase> write_db,
                    std::unique_ptr<TicketReader> reader);

  // Fixed at construction; declared so the writer stops before the connection it uses
  // closes, and the reader (which may borrow that connection) goes first of all.
  std::unique_ptr<GuardedDatabase> write_db_;
  std::unique_ptr<TicketWriter> writer_;
  std::unique_ptr<TicketReader> reader_;
};

}  // namespace triaged::storage
