#include "automatic_mail.h"

#include <glib.h>

#include <algorithm>
#include <array>
#include <string>
#include <string_view>
#include <utility>

#include "text_utf8.h"

namespace triaged::mail::detail {
namespace {

// "auto-replied; foo=bar (comment)" -> "auto-replied".
std::string bare_keyword(std::string_view value) {
  const std::size_t end = value.find_first_of(";(");
  return ascii_lower(trim(value.substr(0, end)));
}

const std::string* header(const ParsedMessage& message, const std::string& name) {
  const auto it = message.headers.find(name);
  return it == message.headers.end() ? nullptr : &it->second;
}

std::string local_part(std::string_view address) {
  return ascii_lower(address.substr(0, address.find('@')));
}

template <typename Needles>
bool contains_any(std::string_view text, const Needles& needles) {
  return std::ranges::any_of(needles, [&](std::string_view needle) { return text.find(needle) != std::string_view::npos; });
}

template <typename Prefixes>
bool starts_with_any(std::string_view text, const Prefixes& prefixes) {
  return std::ranges::any_of(prefixes, [&](std::string_view prefix) { return text.starts_with(prefix); });
}

// MTAs' own names for themselves, as local part or display name (casefolded).
bool is_mailer_name(std::string_view folded) {
  constexpr std::array<std::string_view, 7> kLocal = {"mailer-daemon", "mailer_daemon", "mailerdaemon",
                                                      "mail-daemon", "maildaemon", "mdaemon", "postmaster"};
  constexpr std::array<std::string_view, 5> kNames = {"mail delivery system", "mail delivery subsystem",
                                                      "mail delivery service", "mail administrator", "mailer daemon"};
  return std::ranges::find(kLocal, folded) != kLocal.end() || std::ranges::find(kNames, folded) != kNames.end();
}

// Senders that announce they read no answers: noreply@, do-not-reply@, notifications@,
// bounces+tag@ (a list server's or mailing service's return address).
constexpr std::array<std::string_view, 8> kNotificationPrefixes = {
    "noreply", "no-reply", "no_reply", "no.reply", "donotreply", "do-not-reply", "do_not_reply", "bounce"};

bool is_notification_sender(std::string_view local) {
  if (starts_with_any(local, kNotificationPrefixes)) return true;
  return local == "notification" || local == "notifications" || local == "notify" || local == "mailer";
}

// Phrases of the subjects MTAs give their failure reports, casefolded, found anywhere in a
// subject that carries no Re:/Fwd: prefix (a person answering or forwarding a bounce has one).
// A subject alone never makes a bounce; see bounce_reason(). These name mail, not a parcel,
// so even with a message enclosed ("Undeliverable: ..." and the original) they are a bounce.
constexpr std::array<std::string_view, 22> kMailFailureSubjects = {
    "undelivered mail returned to sender", "undeliverable mail", "undeliverable message", "undelivered message",
    "undeliverable:", "mail delivery failed", "mail delivery failure", "mail delivery status",
    "delivery status notification", "returned mail:", "failure notice", "nondeliverable mail",
    "mail system error", "message delivery failure", "could not send message", "mail could not be delivered",
    "недоставленное сообщение", "не удается доставить", "unzustellbar", "onbestelbaar", "no se puede entregar",
    "impossibile recapitare"};

// Failure subjects a customer could write about a parcel ("Delivery failure for order 5510"):
// a bounce only beside an MTA's own wording or from a no-reply sender.
constexpr std::array<std::string_view, 5> kAmbiguousFailureSubjects = {
    "delivery failure", "delivery failed", "delivery notification", "non-delivery", "non delivery"};

// Subjects auto-responders use (Outlook's in several languages, vacation programs), casefolded
// with any space before the colon removed; each ends in a colon, so a customer's subject about
// an auto-reply ("Auto reply from your shop is in English") does not match.
constexpr std::array<std::string_view, 30> kAutoReplySubjects = {
    "automatic reply:", "autoreply:", "auto-reply:", "auto reply:", "auto response:", "autoresponse:",
    "[auto-reply]", "[auto reply]", "[autoreply]", "out of office:", "out of office autoreply:",
    "out of office reply:", "abwesenheitsnotiz:", "automatische antwort:", "réponse automatique:",
    "risposta automatica:", "respuesta automática:", "resposta automática:", "automatisch antwoord:",
    "autosvar:", "automaattinen vastaus:", "automatická odpověď:", "odpowiedź automatyczna:",
    "automatikus válasz:", "αυτόματη απάντηση:", "автоматический ответ:", "автоответ:",
    "自動回覆:", "自动回复:", "自動応答:"};

bool is_auto_reply_subject(std::string_view subject) {
  std::string folded = casefold(trim(subject));
  for (std::size_t at = folded.find("\xEF\xBC\x9A"); at != std::string::npos; at = folded.find("\xEF\xBC\x9A", at)) {
    folded.replace(at, 3, ":");  // full-width colon, as CJK clients write it
  }
  for (std::size_t at = folded.find(" :"); at != std::string::npos; at = folded.find(" :", at)) folded.erase(at, 1);
  // Lotus Notes: "AUTO: Jane Doe is out of the office (returning 12/01/2026)".
  return starts_with_any(folded, kAutoReplySubjects) || folded.find("is out of the office") != std::string::npos;
}

// Lines MTAs write and people do not, casefolded: Postfix, Exim, qmail, Sendmail, Exchange,
// Gmail, Lotus Notes, Courier.
constexpr std::array<std::string_view, 16> kBounceTextMarks = {
    "this is the mail system at host", "this message was created automatically by mail delivery software",
    "a message that you sent could not be delivered to one or more of its",
    "this is a copy of the message, including all the headers", "this is the qmail-send program",
    "below this line is a copy of the message", "the following addresses had permanent fatal errors",
    "transcript of session follows", "the original message was received at",
    "delivery has failed to these recipients or groups", "your message did not reach some or all of the intended recipients",
    "delivery to the following recipient failed permanently", "delivery to the following recipients failed",
    "delivery to the following recipient has been delayed", "your message was not delivered to",
    "this is a delivery status notification"};

// The text the sender wrote themselves: up to a forwarded message's start, without quoted lines.
std::string own_text(std::string_view text) {
  std::string own;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    const std::string_view line = trim(text.substr(start, end - start));
    start = end + 1;
    if (line.starts_with(">")) continue;
    const std::string folded = casefold(line);
    constexpr std::array<std::string_view, 4> kForwardMarks = {"forward", "original", "пересыла", "weitergeleitet"};
    if ((folded.starts_with("---") && contains_any(folded, kForwardMarks)) ||
        folded.starts_with("begin forwarded message")) {
      break;
    }
    own += folded;
    own += '\n';
  }
  return own;
}

// RFC 3464 fields written into the text: a Final-Recipient line with a failed or delayed
// Action or a Diagnostic-Code.
bool has_dsn_fields(std::string_view folded_text) {
  constexpr std::array<std::string_view, 3> kFields = {"action: failed", "action: delayed", "diagnostic-code:"};
  return folded_text.find("final-recipient:") != std::string_view::npos && contains_any(folded_text, kFields);
}

struct Sender {
  std::string local;        // lower-case local part of the From address
  std::string folded_name;  // casefolded display name
  bool empty_address = false;  // "From: <>" or "From: MAILER-DAEMON <>"
};

Sender sender_of(const ParsedMessage& message) {
  Sender sender{local_part(message.from.address), casefold(trim(message.from.name)), false};
  if (message.from.address.empty() || message.from.address == "@") {
    const std::string* from = header(message, "from");
    sender.empty_address = from != nullptr && (from->find("<>") != std::string::npos || from->find("<@>") != std::string::npos);
    // GMime drops the name of a mailbox without an address: "MAILER-DAEMON <>".
    if (sender.empty_address && sender.folded_name.empty() && from->find('<') != std::string::npos) {
      std::string name(trim(std::string_view(*from).substr(0, from->find('<'))));
      std::erase(name, '"');
      sender.folded_name = casefold(name);
    }
  }
  return sender;
}

// Why this is a delivery failure report, or "".
std::string bounce_reason(const BodyFindings& findings, const ParsedMessage& message, const Sender& sender,
                          bool has_prefix, std::string_view own) {
  if (findings.is_report && findings.report_type == "delivery-status") return "delivery status notification";
  if (findings.has_delivery_status) return "delivery status notification (a delivery-status part)";
  if (is_mailer_name(sender.local)) return "sent by " + sender.local + " (a bounce)";
  // `folded_name` is printed only when it is one of is_mailer_name()'s few names.
  if (is_mailer_name(sender.folded_name)) return "sent by " + sender.folded_name + " (a bounce)";
  if (sender.empty_address) return "empty From address <> (a bounce)";
  if (header(message, "x-failed-recipients") != nullptr) return "X-Failed-Recipients header (a bounce)";
  if (header(message, "x-ms-exchange-message-is-ndr") != nullptr) return "Exchange non-delivery report";
  if (has_prefix) return {};
  const std::string subject = casefold(message.subject);
  const bool mail_failure_subject = contains_any(subject, kMailFailureSubjects);
  const bool bounce_subject = mail_failure_subject || contains_any(subject, kAmbiguousFailureSubjects);
  const bool bounce_text = contains_any(own, kBounceTextMarks) || has_dsn_fields(own);
  const bool encloses_original = findings.encloses_original && !findings.encloses_bounce;
  if ((bounce_subject && (bounce_text || is_notification_sender(sender.local))) ||
      (mail_failure_subject && encloses_original)) {
    return "delivery failure report (subject and text)";
  }
  if (bounce_text && (is_notification_sender(sender.local) || header(message, "auto-submitted") != nullptr)) {
    return "delivery failure report (text and sender)";
  }
  return {};
}

}  // namespace

// A list whose address is the mailbox the mail came to: the support address is a group.
bool from_own_list(const ParsedMessage& message, const ParseOptions& options) {
  const std::string mailbox = ascii_lower(trim(options.mailbox));
  if (mailbox.find('@') == std::string::npos) return false;
  if (const auto* post = header(message, "list-post")) {
    if (ascii_lower(*post).find("mailto:" + mailbox) != std::string::npos) return true;
  }
  if (const auto* id = header(message, "list-id")) {
    std::string dotted = mailbox;
    std::ranges::replace(dotted, '@', '.');
    if (ascii_lower(*id).find("<" + dotted + ">") != std::string::npos) return true;
  }
  return false;
}

namespace {

// "Auto-Submitted: no": the sender's program declares a person wrote it (RFC 3834).
bool declared_personal(const ParsedMessage& message) {
  const std::string* value = header(message, "auto-submitted");
  return value != nullptr && bare_keyword(*value) == "no";
}

// `person` (Auto-Submitted: no) outweighs the signs that only suggest a machine: Precedence,
// List-*; not the auto-responders' own headers or an empty Return-Path.
std::string reason_from_headers(const ParsedMessage& message, bool own_list, bool person) {
  if (const auto* value = header(message, "auto-submitted")) {
    const std::string keyword = bare_keyword(*value);
    if (!keyword.empty() && keyword != "no") return "Auto-Submitted: " + keyword;
  }
  // Auto-responders' own marks; no mail client puts them on a person's mail.
  constexpr std::array<std::pair<std::string_view, std::string_view>, 8> kMarks = {{
      {"x-autoreply", "X-Autoreply"}, {"x-autorespond", "X-Autorespond"}, {"x-auto-reply", "X-Auto-Reply"},
      {"x-autoreply-from", "X-Autoreply-From"}, {"x-mail-autoreply", "X-Mail-Autoreply"},
      {"x-autogenerated", "X-AutoGenerated"}, {"x-fc-machinegenerated", "X-FC-MachineGenerated"},
      {"x-cron-env", "X-Cron-Env"}}};
  for (const auto& [key, display] : kMarks) {
    if (const auto* value = header(message, std::string(key))) {
      return std::string(display) + " header" + (value->empty() ? "" : ": " + *value);
    }
  }
  if (const auto* value = header(message, "precedence"); value != nullptr && !person) {
    const std::string keyword = bare_keyword(*value);
    if (keyword == "bulk" || keyword == "junk" || (keyword == "list" && !own_list) || keyword == "auto_reply") {
      return "Precedence: " + keyword;
    }
  }
  if (const auto* value = header(message, "return-path")) {
    const std::string_view path = trim(*value);
    if (path.empty() || path == "<>") return "empty Return-Path (a bounce or notification)";
  }
  if (own_list || person) return {};
  if (header(message, "list-id") != nullptr) return "list mail (List-Id)";
  if (header(message, "list-unsubscribe") != nullptr) return "list mail (List-Unsubscribe)";
  return {};
}

// "X-Auto-Response-Suppress: All" or one naming AutoReply: the sender asks for no auto-reply.
std::string suppression_reason(const ParsedMessage& message) {
  const std::string* value = header(message, "x-auto-response-suppress");
  if (value == nullptr) return {};
  const std::string folded = ascii_lower(*value);
  if (folded.find("all") == std::string::npos && folded.find("autoreply") == std::string::npos) return {};
  return "X-Auto-Response-Suppress: " + std::string(trim(*value));
}

// "Message-ID: <id>" lines in a bounce's text: the original as qmail, Sendmail and Exim quote
// it when they send no MIME copy. At most a few, in order.
std::vector<std::string> message_ids_in_text(std::string_view text) {
  constexpr std::size_t kMax = 4;
  std::vector<std::string> ids;
  std::size_t start = 0;
  while (start < text.size() && ids.size() < kMax) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    const std::string_view line = trim(text.substr(start, end - start));
    start = end + 1;
    if (!starts_with_ignoring_ascii_case(line, "message-id:")) continue;
    const std::size_t open = line.find('<');
    const std::size_t close = line.find('>', open);
    if (open == std::string_view::npos || close == std::string_view::npos || close <= open + 1) continue;
    std::string id(line.substr(open + 1, close - open - 1));
    if (id.find('@') != std::string::npos && std::ranges::find(ids, id) == ids.end()) ids.push_back(std::move(id));
  }
  return ids;
}

}  // namespace

void classify_automatic(const BodyFindings& findings, const ParseOptions& options, ParsedMessage& message) {
  const std::string loop_name = ascii_lower(trim(options.loop_header));
  message.has_loop_header = !loop_name.empty() && message.headers.contains(loop_name);

  const Sender sender = sender_of(message);
  const bool has_prefix = trim(strip_reply_prefixes(message.subject)) != trim(message.subject);
  const std::string own = own_text(message.text);
  const std::string bounce = bounce_reason(findings, message, sender, has_prefix, own);
  message.is_bounce = !bounce.empty();
  if (findings.is_report && findings.report_type == "delivery-status") {
    message.bounced_message_ids = findings.report_message_ids;
  } else if (message.is_bounce) {
    message.bounced_message_ids = findings.report_message_ids;
    for (const auto& id : findings.enclosed_message_ids) {
      if (std::ranges::find(message.bounced_message_ids, id) == message.bounced_message_ids.end()) {
        message.bounced_message_ids.push_back(id);
      }
    }
    if (message.bounced_message_ids.empty()) message.bounced_message_ids = message_ids_in_text(message.text);
  }

  std::string reason;
  if (message.has_loop_header) {
    reason = "carries our loop header " + std::string(trim(options.loop_header));
  } else if (!bounce.empty()) {
    reason = bounce;
  } else if (findings.is_report) {
    reason = "multipart/report" + (findings.report_type.empty() ? "" : " (" + findings.report_type + ")");
  } else if (findings.has_feedback_report) {
    reason = "abuse feedback report (ARF)";
  } else {
    reason = reason_from_headers(message, from_own_list(message, options), declared_personal(message));
  }
  if (!declared_personal(message)) {
    if (reason.empty() && !has_prefix && is_auto_reply_subject(message.subject)) reason = "auto-reply subject";
    if (reason.empty() && is_notification_sender(sender.local)) reason = "notification sender " + sender.local + "@";
  }
  message.automatic_reason = std::move(reason);
  message.no_auto_reply_reason = message.automatic_reason.empty() ? suppression_reason(message) : message.automatic_reason;
}

}  // namespace triaged::mail::detail

namespace triaged::mail {

std::string robot_address_reason(std::string_view address) {
  const std::string local = detail::local_part(address);
  if (detail::is_mailer_name(local)) return "mailer address";
  if (detail::is_notification_sender(local)) return "no-reply address";
  return "";
}

}  // namespace triaged::mail
