#include "intake/email_steps.h"

#include <boost/json.hpp>

#include <algorithm>

#include "common/json_output.h"
#include "common/server_limits.h"
#include "intake/acknowledgement.h"
#include "intake/mail_ticket.h"
#include "intake/message_ids.h"
#include "intake/needs_info_mail.h"
#include "intake/requester_history.h"

namespace triaged::daemon::email {
namespace {

namespace json = boost::json;
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

std::string event_json(json::object data) { return json::serialize(data); }

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

storage::Result<Thread> find_thread(storage::MailStore& mail, storage::TicketRecords& tickets,
                                    const mail::ParsedMessage& m) {
  Thread out;
  std::vector<std::string> ids;
  if (!m.in_reply_to.empty()) ids.push_back(m.in_reply_to);
  ids.insert(ids.end(), m.references.rbegin(), m.references.rend());
  ids.insert(ids.end(), m.bounced_message_ids.begin(), m.bounced_message_ids.end());
  if (!ids.empty()) {
    auto found = mail.find_ticket_by_message_ids(ids);
    if (!found) return std::unexpected(found.error());
    if (*found) {
      auto t = tickets.get(**found);
      if (!t) return std::unexpected(t.error());
      if (*t) out.ticket = std::move(**t), out.threaded_by = "message-id";
    }
  }
  // Every tag, in order: another system's tag may come before ours.
  for (const auto& tag : out.ticket ? std::vector<std::string>{} : mail::find_ticket_tags(m.subject)) {
    auto t = tickets.get_by_ref(tag);
    if (!t) return std::unexpected(t.error());
    if (!*t) continue;
    if (same_address((*t)->ticket.requester.email, m.from.address)) {
      out.ticket = std::move(**t), out.threaded_by = "subject tag";
      break;
    }
    if (!out.foreign) out.foreign = std::move(**t);
  }
  if (out.ticket) out.foreign.reset();
  return out;
}

void file_automatic(MailWrite& w, const mail::ParsedMessage& m, const Thread& thread, const std::string& mailbox,
                    std::string raw) {
  // Kept as evidence (a bounce says the customer never got our question), never answered.
  if (!thread.ticket) {
    w.kind = MailWrite::Kind::quarantine;
    w.quarantine_reason = "automatic message (" + m.automatic_reason + ") that matches no ticket";
    w.raw = std::move(raw);
    return;
  }
  w.kind = MailWrite::Kind::append_to_ticket;
  w.ticket_id = thread.ticket->id;
  w.message = message_of(m, mailbox, raw);
  w.events.push_back({"automatic_mail", event_json({{"reason", m.automatic_reason}, {"bounce", m.is_bounce},
                                                    {"threaded_by", thread.threaded_by}})});
}

std::expected<bool, storage::StoreError> Asker::may_reply(MailWrite& w) const {
  // A person's mail that asks for no automatic answer (X-Auto-Response-Suppress) gets none.
  if (!m_.may_auto_reply()) {
    w.events.push_back({"auto_reply_suppressed", event_json({{"reason", m_.no_auto_reply_reason}})});
    return false;
  }
  const std::string& address = m_.from.address;
  bool allowed = false;
  if (!address.empty() && !same_address(address, mailbox_)) {
    auto sent = mail_.replies_to_since(address, now_ - std::chrono::hours(24));
    if (!sent) return std::unexpected(sent.error());
    allowed = *sent < options_.max_auto_replies_per_day;
  }
  if (!allowed) {
    w.events.push_back({"auto_reply_suppressed",
                        event_json({{"to", address},
                                    {"reason", address.empty() ? "no sender address"
                                                               : "daily automatic reply limit reached"}})});
  }
  return allowed;
}

std::expected<void, storage::StoreError> Asker::ask(MailWrite& w, const routing::Decision& d,
                                                    const storage::StoredTicket* on) const {
  auto allowed = may_reply(w);
  if (!allowed) return std::unexpected(allowed.error());
  if (!*allowed) return {};
  NeedsInfoRequest req{m_.from.address, m_.from.name, on ? on->ticket.subject : m_.subject, m_.message_id,
                       m_.references, new_message_id(options_.message_id_domain)};
  w.reply = needs_info_mail(rules_, d, req);
  w.reply->daily_cap = options_.max_auto_replies_per_day;  // re-checked in the transaction
  return {};
}

std::expected<void, storage::StoreError> Asker::acknowledge(MailWrite& w, const routing::Decision& d) const {
  const AcknowledgementRequest req{"email", m_.from.address, m_.from.name, m_.message_id, m_.references,
                                   new_message_id(options_.message_id_domain)};
  auto mail = acknowledgement_mail(rules_, d, req);
  if (!mail) return d.complete() ? std::expected<void, storage::StoreError>() : ask(w, d, nullptr);
  auto allowed = may_reply(w);
  if (!allowed) return std::unexpected(allowed.error());
  if (!*allowed) return {};
  w.reply = std::move(*mail);
  w.reply->daily_cap = options_.max_auto_replies_per_day;  // re-checked in the transaction
  return {};
}

storage::Result<ReplyEffect> file_reply(MailWrite& w, const mail::ParsedMessage& m, const storage::StoredTicket& ticket,
                                        const std::string& threaded_by, const routing::RuleSet& rules,
                                        Clock::time_point now, const Asker& asker) {
  ReplyEffect effect;
  w.kind = MailWrite::Kind::append_to_ticket;
  w.ticket_id = ticket.id;
  const bool from_requester = same_address(ticket.ticket.requester.email, m.from.address);
  w.events.push_back({"threaded", event_json({{"by", threaded_by}, {"from_requester", from_requester}})});
  // Someone else in the thread (a CC, a colleague) adds to the conversation, but only the
  // requester's own answer may complete the ticket or be asked, and so learn its ref.
  if (ticket.status != "needs_info" || !from_requester) return effect;
  // The reply may carry what was asked for: check the template again on everything the
  // ticket knows plus the new text.
  routing::Ticket t = ticket.ticket;
  const routing::Ticket reply = ticket_from_mail(m);
  t.body = cut_utf8(t.body + "\n\n" + reply.body, limits::kMaxBodyTextBytes);
  NeedsInfoRecheck checked = recheck_needs_info(rules, ticket, std::move(t), now);
  effect.released = checked.released;
  effect.missing = checked.missing;
  w.events.push_back(std::move(checked.event));
  if (!checked.released)
    if (auto asked = asker.ask(w, checked.decision, &ticket); !asked) return std::unexpected(asked.error());
  w.update = std::move(checked.update);
  return effect;
}

NeedsInfoRecheck recheck_needs_info(const routing::RuleSet& rules, const storage::StoredTicket& ticket,
                                    routing::Ticket known, Clock::time_point now) {
  NeedsInfoRecheck out;
  known.topic = ticket.topic;
  out.decision = routing::route(rules, known, now);
  const routing::Decision& d = out.decision;
  out.update.only_if_status = "needs_info";
  out.update.fields_json = merged_fields_json(known, d);
  out.update.decision_json = json::serialize(decision_to_json(d, TraceDetail::held));
  if (d.complete()) {
    out.update.status = "new";
    if (d.has_due()) out.update.due_at = d.due_at;
    out.released = true;
    out.event = {"fields_completed", event_json({{"topic", d.topic}, {"department", d.department}})};
  } else {
    out.missing = missing_of(d);
    out.event = {"still_needs_info", event_json({{"missing", missing_json(d)}})};
  }
  return out;
}

storage::Result<std::vector<std::string>> file_new_ticket(MailWrite& w, storage::RequesterStore& requesters,
                                                          const mail::ParsedMessage& m, const Thread& thread,
                                                          const routing::RuleSet& rules, Clock::time_point now,
                                                          const Asker& asker) {
  std::vector<std::string> missing;
  routing::Ticket t = ticket_from_mail(m);
  routing::Decision d = route_with_history(requesters, rules, t, now).decision;
  storage::NewTicket nt;
  nt.topic = d.topic;
  nt.department = d.department;
  nt.priority = d.priority;
  // The SLA clock starts when the ticket reaches its queue, not while we wait for the customer.
  if (d.has_due() && d.complete()) nt.due_at = d.due_at;
  nt.received_at = now;
  nt.rules_version = rules.version();
  nt.decision_json = json::serialize(decision_to_json(d, TraceDetail::held));
  nt.status = d.complete() ? "new" : "needs_info";
  nt.ticket = std::move(t);
  add_requester_parts(nt, rules, d);
  w.kind = MailWrite::Kind::create_ticket;
  if (!d.complete()) {
    missing = missing_of(d);
    w.events.push_back({"needs_info", event_json({{"missing", missing_json(d)}})});
  }
  if (auto acknowledged = asker.acknowledge(w, d); !acknowledged) return std::unexpected(acknowledged.error());
  if (thread.foreign) {
    // Someone else's reference in the subject: never attach foreign mail to that ticket,
    // but keep the connection visible to staff.
    w.link_to = thread.foreign->id;
    w.events.push_back({"foreign_tag", event_json({{"ref", thread.foreign->ref}})});
  }
  w.ticket = std::move(nt);
  return missing;
}

IngestResult result_of(const MailOutcome& outcome, const std::vector<std::string>& missing, bool released,
                       const std::string& quarantine_reason) {
  IngestResult r;
  r.ticket = outcome.ticket;
  r.quarantine_id = outcome.quarantine_id;
  r.reply_queued = outcome.outbox_id != 0;
  switch (outcome.kind) {
    case MailOutcome::Kind::created:
      r.outcome = r.ticket && r.ticket->status == "needs_info" ? "needs_info" : "created";
      if (r.outcome == "needs_info") r.missing = missing;
      r.duplicate_of = outcome.duplicate_of;
      break;
    case MailOutcome::Kind::appended:
      if (outcome.merged) {
        r.outcome = "merged";
        r.reason = "repeats open ticket " + r.ticket->ref + " of the same requester";
        break;
      }
      r.outcome = "appended";
      r.released = released && outcome.update_applied;
      break;
    case MailOutcome::Kind::duplicate:
      r.outcome = "duplicate";
      r.reason = r.ticket ? "this message was already stored on ticket " + r.ticket->ref
                          : "this message is already in quarantine";
      break;
    case MailOutcome::Kind::quarantined:
      r.outcome = "quarantined";
      r.reason = quarantine_reason;
      break;
  }
  return r;
}

}  // namespace triaged::daemon::email

namespace triaged::daemon {

routing::Ticket ticket_from_mail(const mail::ParsedMessage& m) {
  routing::Ticket t;
  t.subject = email::cut_utf8(m.subject, limits::kMaxSubjectBytes);
  t.body = email::cut_utf8(m.text_for_rules, limits::kMaxBodyTextBytes);
  t.requester.name = email::cut_utf8(m.from.name, limits::kMaxFieldValueBytes);
  t.requester.email = email::cut_utf8(m.from.address, limits::kMaxFieldValueBytes);
  t.channel = "email";
  t.headers = m.headers;
  return t;
}

}  // namespace triaged::daemon
