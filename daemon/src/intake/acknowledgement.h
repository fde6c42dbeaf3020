// The acknowledgement a requester with an e-mail address receives when their ticket is
// created (docs/customer.md): the reference, the topic, the department, when to expect an
// answer and what is still missing, from the rule set's templates or the built-in Russian and
// English texts. For a needs_info ticket the question for the missing fields is folded in, so
// the customer gets one message, not two. "{ref}" stays for the store to fill when the ticket
// row exists, "{status_link}" for the outbox sender to sign when it sends. Pure.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "routing/routing.h"
#include "routing/rule_spec.h"
#include "storage/mail.h"

namespace triaged::daemon {

// "ru" or "en": the acknowledgement's `language`, else the rule set's first language when it is
// one of those, else English.
std::string customer_language(const routing::RuleSet& rules);

// `text` with each "{name}" of `values` replaced; other braces are left alone (a customer's
// own "{" stays as typed, and "{ref}"/"{status_link}" wait for later). Runs of more than one
// empty line, left by placeholders that came out empty, become one.
std::string render_placeholders(std::string text, const std::map<std::string, std::string>& values);

// A sentence saying when to expect an answer: "Ответим до среды, 9 декабря, 18:00
// (Europe/Moscow)." / "We will answer by Wednesday 9 December, 18:00 (Europe/Moscow)." in the
// rule set's calendar zone; while fields are missing, that the clock starts once they arrive;
// "" without an SLA.
std::string due_sentence(const routing::RuleSet& rules, const routing::Decision& decision, const std::string& language);
// The same wording for a stored deadline: "среды, 9 декабря, 18:00 (Europe/Moscow)".
std::string due_words(const routing::RuleSet& rules, std::chrono::system_clock::time_point due,
                      const std::string& language);

// The missing and invalid fields by their titles, with how to give them; "" when complete.
std::string missing_block(const routing::RuleSet& rules, const routing::Decision& decision, const std::string& language);

// A field id or group ("phone|email") as the customer reads it: "Телефон или E-mail".
std::string field_titles(const routing::RuleSet& rules, const std::string& field, const std::string& language);
std::string department_title(const routing::RuleSet& rules, const std::string& id);

// The subject and text templates `block` (acknowledgement or satisfaction) has for `topic` on
// `channel` ("" each: the built-in one), or nullopt when it is off there: an off channel
// outranks everything, then a topic's `enabled`, then the block's.
struct CustomerMailTexts {
  std::string subject;
  std::string text;
};
std::optional<CustomerMailTexts> customer_mail_texts(const routing::AcknowledgementSpec& block, const std::string& topic,
                                                     const std::string& channel);

// A new Message-ID for our own mail, without <>: "triaged.<32 hex>@domain".
std::string new_outgoing_message_id(const std::string& domain);

struct AcknowledgementRequest {
  std::string channel;                   // the ticket's: "web", "email", "phone", ...
  std::string to_address;
  std::string to_name;
  std::string original_message_id;       // email: the customer's, for In-Reply-To; else ""
  std::vector<std::string> original_references;
  std::string message_id;                // ours, without <>
};

// The mail, or nullopt when the rule set has no acknowledgement, turns it off, or turns it off
// for the decision's topic or the request's channel (a topic's `enabled` outranks the rule
// set's; an off channel outranks both). Purpose "needs_info" when fields are missing, else
// "acknowledgement". Subject: the template rendered, "[#{ref}] " put in front when the
// template has no tag (a reply must thread), "Re: " in front for an answer to a mail.
std::optional<storage::OutboxMail> acknowledgement_mail(const routing::RuleSet& rules, const routing::Decision& decision,
                                                        const AcknowledgementRequest& request);

}  // namespace triaged::daemon
