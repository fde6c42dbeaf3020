#include "intake/email_ingest.h"

#include <boost/json.hpp>

#include <algorithm>
#include <random>

#include "common/digest.h"
#include "common/json_output.h"
#include "intake/mail_ticket.h"
#include "intake/needs_info_mail.h"
#include "intake/requester_history.h"
#include "common/server_limits.h"

namespace triaged::daemon {
namespace {

namespace json = boost::json;
using Clock = std::chrono::system_clock;
using storage::MailOutcome;
using storage::MailWrite;

std::string lower_ascii(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool same_address(const std::string& a, const std::string& b) {
  return !a.empty() && lower_ascii(a) == lower_ascii(b);
}

// Cuts at a UTF-8 boundary so a long mail still fits the ticket's limits as valid text.
std::string cut_utf8(std::string s, std::size_t max) {
  if (s.size() <= max) return s;
  std::size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  s.resize(end);
  return s;
}

std::string new_message_id(const std::string& domain) {
  thread_local std::mt19937_64 random{std::random_device{}()};
  static const char* kHex = "0123456789abcdef";
  std::string id = "triaged.";
  for (int i = 0; i < 2; ++i) {
    auto bits = random();
    for (int j = 0; j < 16; ++j, bits >>= 4) id += kHex[bits & 15];
  }
  return id + "@" + domain;
}

std::string event_json(json::object data) { return json::serialize(data); }

storage::NewMessage message_of(const mail::ParsedMessage& m, const std::string& mailbox, const std::string& raw) {
  storage::NewMessage out;
  out.direction = "in";
  out.kind = m.is_automatic() ? "note" : "message";
  out.mailbox = mailbox;
  out.message_id = m.message_id;
  out.from_address = m.from.address;
  out.from_name = m.from.name;
  out.to_address = m.to.empty() ? mailbox : m.to.front().address;
  out.subject = m.subject;
  out.text = m.text;
  out.raw = raw;
  for (const auto& a : m.attachments) {
    storage::AttachmentRecord r;
    r.filename = a.filename;
    r.content_type = a.content_type;
    r.content_id = a.content_id;
    r.is_inline = a.is_inline;
    r.size = static_cast<std::int64_t>(a.size);
    r.sha256 = a.sha256;
    r.data = a.data;
    r.dropped = a.dropped;
    r.drop_reason = a.drop_reason;
    out.attachments.push_back(std::move(r));
  }
  return out;
}

// Every field the decision knows, as the ticket keeps them: values sent or typed first, then
// those extracted from text, so a later re-check no longer depends on finding them again.
std::string merged_fields_json(const routing::Ticket& ticket, const routing::Decision& d) {
  json::object fields;
  for (const auto& [k, v] : ticket.fields) fields[k] = v;
  for (const auto& [k, f] : d.fields)
    if (f.source == "extracted" && !fields.contains(k)) fields[k] = f.value;
  return json::serialize(fields);
}

std::vector<std::string> missing_of(const routing::Decision& d) {
  std::vector<std::string> out;
  for (const auto& p : d.problems) out.push_back(p.field);
  return out;
}

json::array missing_json(const routing::Decision& d) {
  json::array out;
  for (const auto& p : d.problems) out.push_back(json::object{{"field", p.field}, {"code", p.code}});
  return out;
}

}  // namespace

routing::Ticket ticket_from_mail(const mail::ParsedMessage& m) {
  routing::Ticket t;
  t.subject = cut_utf8(m.subject, limits::kMaxSubjectBytes);
  t.body = cut_utf8(m.text_for_rules, limits::kMaxBodyTextBytes);
  t.requester.name = cut_utf8(m.from.name, limits::kMaxFieldValueBytes);
  t.requester.email = cut_utf8(m.from.address, limits::kMaxFieldValueBytes);
  t.channel = "email";
  t.headers = m.headers;
  return t;
}

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
  IngestResult result;
  std::vector<std::string> missing;

  // Finishes: store the write, translate the outcome, mark a reprocessed quarantine entry.
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
    store_.write_mail(std::move(write), [done, missing, reprocess, store = &store_, released = result.released,
                                         reason = std::move(reason)](
                                            storage::Result<MailOutcome> outcome) {
      if (!outcome) return done(std::unexpected(outcome.error()));
      IngestResult r;
      r.ticket = outcome->ticket;
      r.quarantine_id = outcome->quarantine_id;
      r.reply_queued = outcome->outbox_id != 0;
      switch (outcome->kind) {
        case MailOutcome::Kind::created:
          r.outcome = r.ticket && r.ticket->status == "needs_info" ? "needs_info" : "created";
          if (r.outcome == "needs_info") r.missing = missing;
          r.duplicate_of = outcome->duplicate_of;
          break;
        case MailOutcome::Kind::appended:
          if (outcome->merged) {
            r.outcome = "merged";
            r.reason = "repeats open ticket " + r.ticket->ref + " of the same requester";
            break;
          }
          r.outcome = "appended";
          r.released = released && outcome->update_applied;
          break;
        case MailOutcome::Kind::duplicate:
          r.outcome = "duplicate";
          r.reason = r.ticket ? "this message was already stored on ticket " + r.ticket->ref
                              : "this message is already in quarantine";
          break;
        case MailOutcome::Kind::quarantined:
          r.outcome = "quarantined";
          r.reason = reason;
          break;
      }
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

  // Threading, strongest evidence first: our Message-IDs quoted in In-Reply-To/References
  // (or in a bounce), then the [#REF] tag, trusted only from the ticket's own requester.
  std::vector<std::string> ids;
  if (!m.in_reply_to.empty()) ids.push_back(m.in_reply_to);
  ids.insert(ids.end(), m.references.rbegin(), m.references.rend());
  ids.insert(ids.end(), m.bounced_message_ids.begin(), m.bounced_message_ids.end());
  std::optional<storage::StoredTicket> thread;
  std::optional<storage::StoredTicket> foreign;
  std::string threaded_by;
  if (!ids.empty()) {
    auto found = store_.find_ticket_by_message_ids(ids);
    if (!found) return done(std::unexpected(found.error()));
    if (*found) {
      auto t = store_.get(**found);
      if (!t) return done(std::unexpected(t.error()));
      if (*t) thread = std::move(**t), threaded_by = "message-id";
    }
  }
  // Every tag, in order: another system's tag may come before ours.
  for (const auto& tag : thread ? std::vector<std::string>{} : mail::find_ticket_tags(m.subject)) {
    auto t = store_.get_by_ref(tag);
    if (!t) return done(std::unexpected(t.error()));
    if (!*t) continue;
    if (same_address((*t)->ticket.requester.email, m.from.address)) {
      thread = std::move(**t), threaded_by = "subject tag";
      break;
    }
    if (!foreign) foreign = std::move(**t);
  }
  if (thread) foreign.reset();

  if (m.is_automatic()) {
    // Kept as evidence (a bounce says the customer never got our question), never answered.
    if (!thread) {
      w.kind = MailWrite::Kind::quarantine;
      w.quarantine_reason = "automatic message (" + m.automatic_reason + ") that matches no ticket";
      w.raw = std::move(raw);
      return submit(std::move(w));
    }
    w.kind = MailWrite::Kind::append_to_ticket;
    w.ticket_id = thread->id;
    w.message = message_of(m, mailbox, raw);
    w.events.push_back({"automatic_mail", event_json({{"reason", m.automatic_reason}, {"bounce", m.is_bounce},
                                                      {"threaded_by", threaded_by}})});
    return submit(std::move(w));
  }

  auto rules = rules_();
  const auto can_ask = [&](const std::string& address) -> storage::Result<bool> {
    if (address.empty() || same_address(address, mailbox)) return false;
    auto sent = store_.replies_to_since(address, now - std::chrono::hours(24));
    if (!sent) return std::unexpected(sent.error());
    return *sent < options_.max_auto_replies_per_day;
  };
  const auto ask = [&](const routing::Decision& d, const storage::StoredTicket* on) -> std::expected<void, storage::StoreError> {
    if (!m.may_auto_reply()) {
      w.events.push_back({"auto_reply_suppressed", event_json({{"reason", m.no_auto_reply_reason}})});
      return {};
    }
    auto allowed = can_ask(m.from.address);
    if (!allowed) return std::unexpected(allowed.error());
    if (!*allowed) {
      w.events.push_back({"auto_reply_suppressed",
                          event_json({{"to", m.from.address},
                                      {"reason", m.from.address.empty() ? "no sender address"
                                                                        : "daily automatic reply limit reached"}})});
      return {};
    }
    NeedsInfoRequest req{m.from.address, m.from.name, on ? on->ticket.subject : m.subject, m.message_id,
                         m.references, new_message_id(options_.message_id_domain)};
    w.reply = needs_info_mail(*rules, d, req);
    w.reply->daily_cap = options_.max_auto_replies_per_day;  // re-checked in the transaction
    return {};
  };

  w.message = message_of(m, mailbox, raw);
  if (thread) {
    w.kind = MailWrite::Kind::append_to_ticket;
    w.ticket_id = thread->id;
    const bool from_requester = same_address(thread->ticket.requester.email, m.from.address);
    w.events.push_back({"threaded", event_json({{"by", threaded_by}, {"from_requester", from_requester}})});
    // Someone else in the thread (a CC, a colleague) adds to the conversation, but only the
    // requester's own answer may complete the ticket or be asked, and so learn its ref.
    if (thread->status == "needs_info" && from_requester) {
      // The reply may carry what was asked for: check the template again on everything the
      // ticket knows plus the new text, under the topic it was routed to.
      routing::Ticket t = thread->ticket;
      t.topic = thread->topic;
      const routing::Ticket reply = ticket_from_mail(m);
      t.body = cut_utf8(t.body + "\n\n" + reply.body, limits::kMaxBodyTextBytes);
      routing::Decision d = routing::route(*rules, t, now);
      storage::TicketUpdate update;
      update.only_if_status = "needs_info";
      update.fields_json = merged_fields_json(thread->ticket, d);
      update.decision_json = json::serialize(decision_to_json(d, TraceDetail::held));
      if (d.complete()) {
        update.status = "new";
        if (d.has_due()) update.due_at = d.due_at;
        result.released = true;
        w.events.push_back({"fields_completed", event_json({{"topic", d.topic}, {"department", d.department}})});
      } else {
        missing = missing_of(d);
        w.events.push_back({"still_needs_info", event_json({{"missing", missing_json(d)}})});
        if (auto asked = ask(d, &*thread); !asked) return done(std::unexpected(asked.error()));
      }
      w.update = std::move(update);
    }
    return submit(std::move(w));
  }

  // A new ticket, routed and checked exactly like one from the form.
  routing::Ticket t = ticket_from_mail(m);
  routing::Decision d = route_with_history(store_, *rules, t, now).decision;
  storage::NewTicket nt;
  nt.topic = d.topic;
  nt.department = d.department;
  nt.priority = d.priority;
  // The SLA clock starts when the ticket reaches its queue, not while we wait for the customer.
  if (d.has_due() && d.complete()) nt.due_at = d.due_at;
  nt.received_at = now;
  nt.rules_version = rules->version();
  nt.decision_json = json::serialize(decision_to_json(d, TraceDetail::held));
  nt.status = d.complete() ? "new" : "needs_info";
  nt.ticket = std::move(t);
  add_requester_parts(nt, *rules, d);
  w.kind = MailWrite::Kind::create_ticket;
  if (!d.complete()) {
    missing = missing_of(d);
    w.events.push_back({"needs_info", event_json({{"missing", missing_json(d)}})});
    if (auto asked = ask(d, nullptr); !asked) return done(std::unexpected(asked.error()));
  }
  if (foreign) {
    // Someone else's reference in the subject: never attach foreign mail to that ticket,
    // but keep the connection visible to staff.
    w.link_to = foreign->id;
    w.events.push_back({"foreign_tag", event_json({{"ref", foreign->ref}})});
  }
  w.ticket = std::move(nt);
  submit(std::move(w));
}

}  // namespace triaged::daemon
