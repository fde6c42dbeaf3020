#include "intake/web_acknowledgement.h"

#include "intake/acknowledgement.h"
#include "intake/needs_info_mail.h"
#include "intake/requester_history.h"
#include "mail/message.h"

namespace triaged::daemon {

std::expected<std::string, FieldError> hold_address(const routing::Ticket& ticket) {
  const std::string address = requester_keys(ticket).email;
  if (address.empty())
    return std::unexpected(FieldError{"requester.email", "missing",
                                      "on_missing \"hold\" needs the requester's e-mail address, to ask them for "
                                      "the rest; without one the ticket is refused as with \"reject\""});
  if (const std::string why = mail::unread_address_reason(address); !why.empty())
    return std::unexpected(FieldError{"requester.email", "automatic",
                                      "\"" + address + "\" is a " + why +
                                          " address nobody reads; nobody could be asked for the rest"});
  return address;
}

std::optional<storage::OutboxMail> web_first_mail(const routing::RuleSet& rules, const routing::Decision& decision,
                                                  const routing::Ticket& ticket, const WebMailOptions& options) {
  const std::string address = requester_keys(ticket).email;
  if (address.empty() || !mail::unread_address_reason(address).empty()) return std::nullopt;
  const std::string message_id = new_outgoing_message_id(options.message_id_domain);
  auto mail = acknowledgement_mail(rules, decision, {ticket.channel, address, ticket.requester.name, "", {}, message_id});
  // A held ticket waits for the customer: they are asked even where no acknowledgement is sent.
  if (!mail && !decision.complete())
    mail = needs_info_mail(rules, decision, {address, ticket.requester.name, ticket.subject, "", {}, message_id});
  if (mail) mail->daily_cap = options.max_auto_replies_per_day;
  return mail;
}

}  // namespace triaged::daemon
