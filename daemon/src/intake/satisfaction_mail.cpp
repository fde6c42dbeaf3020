#include "intake/satisfaction_mail.h"

#include <algorithm>
#include <map>

#include "intake/acknowledgement.h"
#include "intake/requester_history.h"
#include "intake/staff_reply_mail.h"
#include "mail/message.h"
#include "routing/rule_spec.h"

namespace triaged::daemon {
namespace {

struct Texts {
  const char* subject;
  const char* text;
};

const Texts& texts_for(const std::string& language) {
  static const Texts ru{
      "[#{ref}] Оцените, как мы помогли: {topic}",
      "Здравствуйте!\n\n"
      "Ваше обращение {ref} («{topic}») решено. Оцените, пожалуйста, как мы справились, — достаточно одного "
      "клика:\n\n"
      "  Хорошо: {good_link}\n"
      "  Плохо:  {bad_link}\n\n"
      "Оценку можно изменить и дополнить комментарием в течение {days} на странице обращения: {status_link}\n"
      "Если вопрос не решён, ответьте на это письмо, не меняя номер в теме.\n\n"
      "-- \n"
      "Это автоматическое сообщение службы поддержки.\n"};
  static const Texts en{
      "[#{ref}] How did we do? {topic}",
      "Hello,\n\n"
      "Your request {ref} ({topic}) has been resolved. How did we do? One click is enough:\n\n"
      "  Good: {good_link}\n"
      "  Bad:  {bad_link}\n\n"
      "You can change your rating and add a comment for {days} on your request's page: {status_link}\n"
      "If the problem is not solved, reply to this message keeping the reference in the subject.\n\n"
      "-- \n"
      "This is an automatic message from the support team.\n"};
  return language == "ru" ? ru : en;
}

// "7 дней", "1 day": Russian counts take one of three forms.
std::string days_words(int n, const std::string& language) {
  const std::string number = std::to_string(n);
  if (language != "ru") return number + (n == 1 ? " day" : " days");
  const int last = n % 10, last_two = n % 100;
  if (last == 1 && last_two != 11) return number + " день";
  if (last >= 2 && last <= 4 && (last_two < 12 || last_two > 14)) return number + " дня";
  return number + " дней";
}

std::string topic_title(const routing::RuleSet& rules, const std::string& id) {
  for (const auto& t : rules.spec().topics)
    if (t.id == id) return t.title.empty() ? id : t.title;
  return id;
}

}  // namespace

std::string satisfaction_language(const routing::RuleSet& rules) {
  const auto& s = rules.spec().satisfaction;
  if (s && !s->mail.language.empty()) return s->mail.language;
  return customer_language(rules);
}

std::optional<storage::SurveyRequest> survey_request(const routing::RuleSet& rules, const storage::StoredTicket& ticket,
                                                     const std::vector<storage::StoredMessage>& thread,
                                                     const SurveySettings& settings) {
  const auto& block = rules.spec().satisfaction;
  if (!block) return std::nullopt;
  auto chosen = customer_mail_texts(block->mail, ticket.topic, ticket.ticket.channel);
  if (!chosen) return std::nullopt;
  storage::SurveyRequest ask;
  ask.closes_at = settings.now + std::chrono::days{block->rating_days};

  const std::string address = requester_keys(ticket.ticket).email;
  if (address.empty() || !mail::unread_address_reason(address).empty()) return ask;
  const std::string language = satisfaction_language(rules);
  const Texts& x = texts_for(language);
  const std::map<std::string, std::string> values{{"name", ticket.ticket.requester.name},
                                                  {"topic", topic_title(rules, ticket.topic)},
                                                  {"department", department_title(rules, ticket.department)},
                                                  {"days", days_words(block->rating_days, language)}};
  std::string subject = render_placeholders(chosen->subject.empty() ? x.subject : chosen->subject, values);
  // A subject is one line, and a reply must thread.
  std::replace(subject.begin(), subject.end(), '\n', ' ');
  if (subject.find("[#{ref}]") == std::string::npos) subject = "[#{ref}] " + subject;

  storage::OutboxMail mail;
  mail.to_address = address;
  mail.to_name = ticket.ticket.requester.name;
  mail.subject = std::move(subject);
  mail.text = render_placeholders(chosen->text.empty() ? x.text : chosen->text, values);
  thread_reply(mail, thread);
  mail.message_id = settings.message_id;
  mail.purpose = "satisfaction";
  mail.daily_cap = settings.daily_cap;
  ask.mail = std::move(mail);
  return ask;
}

}  // namespace triaged::daemon
