// Shared setup for the email-path storage tests: sample mail writes and a collector for
// write_mail() callbacks that arrive on the writer thread.
#pragma once

#include <string>
#include <string_view>

#include "store_test_support.h"

namespace triaged::storage::test {

using namespace std::string_literals;

inline const Clock::time_point kReceived = at_ms(1'700'000'000'000);

inline NewMessage make_message(const std::string& mailbox, const std::string& message_id,
                               const std::string& subject) {
  NewMessage m;
  m.mailbox = mailbox;
  m.message_id = message_id;
  m.from_address = "anna@example.com";
  m.from_name = "Anna";
  m.to_address = mailbox;
  m.subject = subject;
  m.text = "Text of " + subject;
  m.raw = "Subject: " + subject + "\r\n\r\nText of " + subject + "\r\n";
  return m;
}

inline MailWrite create_write(const std::string& mailbox, const std::string& message_id,
                              const std::string& subject, const std::string& status = "new") {
  MailWrite w;
  w.kind = MailWrite::Kind::create_ticket;
  w.mailbox = mailbox;
  w.message_id = message_id;
  w.ticket = make_ticket(subject, "logistics", status);
  w.ticket.ticket.channel = "email";
  w.message = make_message(mailbox, message_id, subject);
  w.received_at = kReceived;
  return w;
}

inline MailWrite append_write(std::int64_t ticket_id, const std::string& mailbox,
                              const std::string& message_id, const std::string& subject) {
  MailWrite w;
  w.kind = MailWrite::Kind::append_to_ticket;
  w.ticket_id = ticket_id;
  w.mailbox = mailbox;
  w.message_id = message_id;
  w.message = make_message(mailbox, message_id, subject);
  w.received_at = kReceived + std::chrono::minutes(5);
  return w;
}

inline MailWrite quarantine_write(const std::string& mailbox, const std::string& message_id,
                                  const std::string& raw) {
  MailWrite w;
  w.kind = MailWrite::Kind::quarantine;
  w.mailbox = mailbox;
  w.message_id = message_id;
  w.quarantine_reason = "cannot be parsed: test";
  w.raw = raw;
  w.received_at = kReceived;
  return w;
}

inline OutboxMail make_reply(const std::string& to, const std::string& message_id) {
  OutboxMail r;
  r.to_address = to;
  r.to_name = "Anna";
  r.subject = "Re: question [#{ref}]";
  r.text = "Your ticket {ref} needs more. Quote {ref} when you reply.";
  r.message_id = message_id;
  r.in_reply_to = "original@example.com";
  r.references = {"root@example.com", "original@example.com"};
  r.purpose = "needs_info";
  return r;
}

inline MailOutcome mail_ok(TicketStore& store, MailWrite write) {
  auto outcome = store.write_mail_and_wait(std::move(write));
  if (!outcome) FAIL("write_mail failed: " << outcome.error().message);
  return std::move(*outcome);
}

inline std::vector<std::string> event_kinds(TicketStore& store, std::int64_t ticket_id) {
  auto events = store.events(ticket_id);
  REQUIRE(events);
  std::vector<std::string> kinds;
  for (const auto& e : *events) kinds.push_back(e.kind);
  return kinds;
}

// Collects write_mail() results delivered on the writer thread.
class MailOutcomes {
 public:
  TicketStore::MailCallback callback() {
    return [this](Result<MailOutcome> outcome) {
      std::lock_guard lock(mutex_);
      results_.push_back(std::move(outcome));
      arrived_.notify_all();
    };
  }
  std::vector<Result<MailOutcome>> wait_for(std::size_t count) {
    std::unique_lock lock(mutex_);
    const bool arrived = arrived_.wait_for(lock, std::chrono::seconds(30),
                                           [&] { return results_.size() >= count; });
    if (!arrived) FAIL("only " << results_.size() << " of " << count << " mail writes completed");
    return results_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable arrived_;
  std::vector<Result<MailOutcome>> results_;
};

// Options whose writer waits long enough that writes submitted together share one batch.
inline StoreOptions batching_options(const TempDatabase& file, int max_batch) {
  StoreOptions options = options_for(Backing::file, file);
  options.max_batch = max_batch;
  options.max_batch_wait = std::chrono::seconds(5);
  return options;
}

}  // namespace triaged::storage::test
