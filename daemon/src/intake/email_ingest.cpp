#include "intake/email_ingest.h"

#include "common/digest.h"
#include "intake/email_steps.h"

namespace triaged::daemon {
namespace {

using Clock = std::chrono::system_clock;
using storage::MailOutcome;
using storage::MailWrite;

}  // namespace

EmailIngest::EmailIngest(std::function<std::shared_ptr<const routing::RuleSet>()> rules,
                         storage::TicketStore& store, std::function<Clock::time_point()> clock,
                         EmailOptions options)
    : rules_(std::move(rules)), store_(store), clock_(std::move(clock)), options_(std::move(options)) {}

void EmailIngest::ingest(std::string raw, std::string mailbox, Done done,
                         std::optional<std::int64_t> reprocess) const {
  const Clock::time_point now = clock_();
  MailWrite w;
  w.mailbox = mailbox;
  w.received_at = now;
  std::vector<std::string> missing;  // what the steps asked for
  bool released = false;             // a reply completed its needs_info ticket

  // The last step: store the write, translate the outcome, mark a reprocessed quarantine entry.
  const auto submit = [&](MailWrite write) {
    if (reprocess && write.kind == MailWrite::Kind::quarantine) {
      // Still nothing to attach it to: the entry stays as it is, no second copy.
      IngestResult still;
      still.outcome = "quarantined";
      still.quarantine_id = *reprocess;
      still.reason = write.quarantine_reason;
      return done(std::move(still));
    }
    std::string reason = write.quarantine_reason;  // read before `write` is moved away
    store_.write_mail(std::move(write), [done, missing, reprocess, store = &store_, released,
                                         reason = std::move(reason)](storage::Result<MailOutcome> outcome) {
      if (!outcome) return done(std::unexpected(outcome.error()));
      IngestResult r = email::result_of(*outcome, missing, released, reason);
      if (reprocess && r.ticket && r.outcome != "quarantined") {
        // Best effort: the ticket exists either way; a failure here only leaves the entry
        // listed as held, and reprocessing it again answers "duplicate".
        (void)store->mark_reprocessed(*reprocess, r.ticket->id);
      }
      done(std::move(r));
    });
  };

  // Mail without a Message-ID (Postfix adds none to relayed mail) still needs a dedupe key:
  // the MTA redelivers after any timeout, even one that came after the daemon stored it.
  const std::string content_key = "sha256:" + sha256_hex(raw);
  // The mailbox decides whether a list that is the support address itself carried the mail.
  mail::ParseOptions parse = options_.parse;
  parse.mailbox = mailbox;
  auto parsed = mail::parse_message(raw, parse);
  if (!parsed) {
    w.message_id = content_key;
    w.kind = MailWrite::Kind::quarantine;
    w.quarantine_reason = "cannot be parsed: " + parsed.error().reason;
    w.raw = std::move(raw);
    return submit(std::move(w));
  }
  const mail::ParsedMessage& m = *parsed;
  w.message_id = m.message_id.empty() ? content_key : m.message_id;

  auto thread = email::find_thread(store_, store_, m);
  if (!thread) return done(std::unexpected(thread.error()));
  if (m.is_automatic()) {
    email::file_automatic(w, m, *thread, mailbox, std::move(raw));
    return submit(std::move(w));
  }

  auto rules = rules_();
  const email::Asker asker(store_, *rules, options_, m, mailbox, now);
  w.message = email::message_of(m, mailbox, raw);
  if (thread->ticket) {
    auto effect = email::file_reply(w, m, *thread->ticket, thread->threaded_by, *rules, now, asker);
    if (!effect) return done(std::unexpected(effect.error()));
    released = effect->released;
    missing = std::move(effect->missing);
  } else {
    auto asked = email::file_new_ticket(w, store_, m, *thread, *rules, now, asker);
    if (!asked) return done(std::unexpected(asked.error()));
    missing = std::move(*asked);
  }
  submit(std::move(w));
}

}  // namespace triaged::daemon
