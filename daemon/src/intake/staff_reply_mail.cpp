#include "intake/staff_reply_mail.h"

#include "mail/message.h"

namespace triaged::daemon {
namespace {

// References name the thread's first mail and its latest ones; a long thread's whole list
// would grow every header without helping any client thread better.
constexpr std::size_t kMaxReferences = 10;

std::string without(std::string text, const std::string& part) {
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at)) text.erase(at, part.size());
  const auto first = text.find_first_not_of(' ');
  return first == std::string::npos ? "" : text.substr(first);
}

}  // namespace

void thread_reply(storage::OutboxMail& out, const std::vector<storage::StoredMessage>& thread) {
  std::vector<std::string> ids;
  std::string latest_inbound;
  for (const auto& m : thread) {
    if (m.message_id.empty()) continue;
    ids.push_back(m.message_id);
    if (m.direction == "in") latest_inbound = m.message_id;
  }
  out.in_reply_to = !latest_inbound.empty() ? latest_inbound : ids.empty() ? "" : ids.back();
  out.references.clear();
  if (ids.size() > kMaxReferences) {
    out.references.push_back(ids.front());
    out.references.insert(out.references.end(), ids.end() - (kMaxReferences - 1), ids.end());
  } else {
    out.references = ids;
  }
}

storage::OutboxMail staff_reply_mail(const storage::StoredTicket& ticket,
                                     const std::vector<storage::StoredMessage>& thread,
                                     const StaffReplyText& reply) {
  const bool russian = !reply.languages.empty() && reply.languages.front() == "ru";
  storage::OutboxMail out;
  out.to_address = ticket.ticket.requester.email;
  out.to_name = ticket.ticket.requester.name;
  std::string subject = without(mail::strip_reply_prefixes(ticket.ticket.subject), "[#" + ticket.ref + "]");
  if (subject.empty()) subject = russian ? "Ваше обращение" : "Your request";
  out.subject = "Re: [#{ref}] " + subject;

  out.text = reply.text;
  if (!out.text.empty() && out.text.back() != '\n') out.text += "\n";
  out.text += "\n-- \n";
  if (!reply.author.empty()) out.text += reply.author + "\n";
  out.text += russian ? "Номер обращения: {ref}. Отвечая, не меняйте тему письма.\n"
                       : "Reference: {ref}. Please keep the subject when you reply.\n";
  // Every mail to the customer carries their status link; the outbox sender signs it.
  out.text += russian ? "Статус и переписка: {status_link}\n" : "Status and messages: {status_link}\n";

  thread_reply(out, thread);
  out.message_id = reply.message_id;
  out.purpose = "staff_reply";
  return out;
}

}  // namespace triaged::daemon
