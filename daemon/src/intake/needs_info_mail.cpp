#include "intake/needs_info_mail.h"

#include "mail/message.h"

namespace triaged::daemon {
namespace {

struct Phrases {
  const char* greeting;       // followed by ", NAME!" or "!"
  const char* received;       // {ref} is the ticket ref
  const char* missing_intro;  // {department} is the department's title
  const char* or_word;
  const char* how_to_answer;
  const char* status;         // followed by the signed link to the status page
  const char* sign_off;
};

// Russian for rule sets whose first language is Russian, English for everything else: the
// two languages this product ships texts for so far.
const Phrases& phrases_for(const std::vector<std::string>& languages) {
  static const Phrases ru{
      "Здравствуйте",
      "Мы получили ваше обращение и зарегистрировали его под номером {ref}.",
      "Чтобы отдел «{department}» мог сразу им заняться, нам не хватает данных:",
      "или",
      "Пожалуйста, ответьте на это письмо и укажите их. Тему письма с номером обращения не меняйте.",
      "Их можно указать и на странице обращения: ",
      "Это автоматическое сообщение службы поддержки."};
  static const Phrases en{
      "Hello",
      "We received your request and registered it as {ref}.",
      "So that our {department} team can act on it right away, we still need:",
      "or",
      "Please reply to this message with these details, keeping the reference in the subject.",
      "You can also give them on your request's page: ",
      "This is an automatic message from the support team."};
  return !languages.empty() && languages.front() == "ru" ? ru : en;
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

std::string field_title(const routing::RuleSet& rules, const std::string& id) {
  for (const auto& f : routing::fields_of(rules))
    if (f.id == id) return f.title.empty() ? id : f.title;
  return id;
}

// "phone|email" -> "Телефон или E-mail".
std::string problem_title(const routing::RuleSet& rules, const std::string& field, const Phrases& p) {
  std::string out;
  std::size_t start = 0;
  for (;;) {
    const auto bar = field.find('|', start);
    if (!out.empty()) out += std::string(" ") + p.or_word + " ";
    out += field_title(rules, field.substr(start, bar - start));
    if (bar == std::string::npos) return out;
    start = bar + 1;
  }
}

std::string department_title(const routing::RuleSet& rules, const std::string& id) {
  for (const auto& d : rules.spec().departments)
    if (d.id == id) return d.title.empty() ? id : d.title;
  return id;
}

}  // namespace

storage::OutboxMail needs_info_mail(const routing::RuleSet& rules, const routing::Decision& decision,
                                    const NeedsInfoRequest& request) {
  const Phrases& p = phrases_for(rules.spec().languages);
  std::string text = p.greeting;
  text += request.to_name.empty() ? "!" : ", " + request.to_name + "!";
  text += "\n\n";
  text += p.received;
  text += "\n";
  text += replace_all(p.missing_intro, "{department}", department_title(rules, decision.department));
  text += "\n\n";
  for (const auto& problem : decision.problems) {
    text += "  - " + problem_title(rules, problem.field, p);
    if (problem.code != "missing") text += ": " + problem.message;
    text += "\n";
  }
  text += "\n";
  text += p.how_to_answer;
  text += "\n";
  text += p.status;
  text += "{status_link}";  // signed by the outbox sender when it sends (acknowledgement.h)
  text += "\n\n-- \n";
  text += p.sign_off;
  text += "\n";

  std::string subject = mail::strip_reply_prefixes(request.original_subject);
  if (subject.empty()) subject = decision.topic_title;
  storage::OutboxMail mail;
  mail.to_address = request.to_address;
  mail.to_name = request.to_name;
  // "Re:" only for an answer to a mail; a web ticket's question starts the conversation.
  mail.subject = (request.original_message_id.empty() ? "[#{ref}] " : "Re: [#{ref}] ") + subject;
  mail.text = std::move(text);
  mail.message_id = request.message_id;
  mail.in_reply_to = request.original_message_id;
  mail.references = request.original_references;
  if (!request.original_message_id.empty()) mail.references.push_back(request.original_message_id);
  mail.purpose = "needs_info";
  return mail;
}

}  // namespace triaged::daemon
