// The backend-independent part of TicketStore; SQLite is the only backend so far.
#include "storage/ticket_store.h"

#include <future>

#include "sqlite_ticket_store.h"

namespace triaged::storage {

Result<std::unique_ptr<TicketStore>> TicketStore::open(const StoreOptions& options) {
  return SqliteTicketStore::open(options);
}

Result<CreateOutcome> TicketRecords::create_and_wait(NewTicket ticket) {
  // Shared, not borrowed from this frame: the writer may still be inside set_value() when
  // get() returns and this frame is gone.
  auto promise = std::make_shared<std::promise<Result<CreateOutcome>>>();
  auto outcome = promise->get_future();
  create(std::move(ticket),
         [promise](Result<CreateOutcome> result) { promise->set_value(std::move(result)); });
  return outcome.get();
}

Result<MailOutcome> MailStore::write_mail_and_wait(MailWrite write) {
  // Shared for the same reason as in create_and_wait.
  auto promise = std::make_shared<std::promise<Result<MailOutcome>>>();
  auto outcome = promise->get_future();
  write_mail(std::move(write),
             [promise](Result<MailOutcome> result) { promise->set_value(std::move(result)); });
  return outcome.get();
}

}  // namespace triaged::storage
