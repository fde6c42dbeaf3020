// storage: what a customer may read of their own ticket (docs/customer.md). A role of its
// own so that the status page can only reach customer-visible rows: the thread it returns is
// chosen by an allow-list in the query (kind "message", in or out), so notes, automatic mail
// kept for the record and any kind added later (staff's internal notes) stay out by
// construction rather than by every caller remembering to filter. Thread-safe.
#pragma once

#include <cstdint>
#include <vector>

#include "storage/mail.h"
#include "storage/result.h"

namespace triaged::storage {

class CustomerView {
 public:
  virtual ~CustomerView() = default;

  // The messages of ticket_id the customer and support exchanged, oldest first: direction
  // "in" or "out" and kind "message" only. Text, subject, times and direction are set; the
  // addresses, mailbox and raw size are left empty, and attachments are not listed.
  virtual Result<std::vector<StoredMessage>> customer_thread(std::int64_t ticket_id) = 0;
};

}  // namespace triaged::storage
