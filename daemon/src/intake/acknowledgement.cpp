#include "intake/acknowledgement.h"

#include <algorithm>
#include <random>

#include "routing/rule_spec.h"
#include "routing/sla.h"

namespace triaged::daemon {
namespace {

struct Texts {
  const char* subject;
  const char* text;
  const char* due;            // {when} is due_words()
  const char* due_after_info;
  const char* missing_intro;
  const char* missing_how;
  const char* or_word;
};

const Texts& texts_for(const std::string& language) {
  static const Texts ru{
      "[#{ref}] Обращение принято: {topic}",
      "Здравствуйте!\n\n"
      "Мы получили ваше обращение и зарегистрировали его под номером {ref}.\n"
      "Тема: {topic}. Им займётся отдел «{department}».\n"
      "{due}\n\n"
      "{missing}\n\n"
      "Статус обращения и переписка по нему: {status_link}\n"
      "Чтобы дополнить обращение, ответьте на это письмо, не меняя номер в теме.\n\n"
      "-- \n"
      "Это автоматическое сообщение службы поддержки.\n",
      "Ответим до {when}.",
      "Срок ответа начнём отсчитывать, как только получим недостающие данные.",
      "Чтобы отдел мог сразу заняться обращением, нам не хватает данных:",
      "Укажите их в ответе на это письмо или на странице обращения по ссылке ниже.",
      "или"};
  static const Texts en{
      "[#{ref}] Request received: {topic}",
      "Hello,\n\n"
      "We received your request and registered it as {ref}.\n"
      "Topic: {topic}. Our {department} team will handle it.\n"
      "{due}\n\n"
      "{missing}\n\n"
      "Status and messages: {status_link}\n"
      "To add to your request, reply to this message keeping the reference in the subject.\n\n"
      "-- \n"
      "This is an automatic message from the support team.\n",
      "We will answer by {when}.",
      "The time to answer starts once we have the missing details.",
      "So that the team can act on it right away, we still need:",
      "Please reply to this message with them, or give them on your request's page (link below).",
      "or"};
  return language == "ru" ? ru : en;
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

std::string two_digits(int n) { return (n < 10 ? "0" : "") + std::to_string(n); }

}  // namespace

std::optional<CustomerMailTexts> customer_mail_texts(const routing::AcknowledgementSpec& block, const std::string& topic,
                                                     const std::string& channel) {
  if (std::find(block.off_channels.begin(), block.off_channels.end(), channel) != block.off_channels.end())
    return std::nullopt;
  bool enabled = block.enabled;
  CustomerMailTexts out{block.subject, block.text};
  if (auto it = block.topics.find(topic); it != block.topics.end()) {
    if (it->second.enabled) enabled = *it->second.enabled;
    if (!it->second.subject.empty()) out.subject = it->second.subject;
    if (!it->second.text.empty()) out.text = it->second.text;
  }
  if (!enabled) return std::nullopt;
  return out;
}

std::string new_outgoing_message_id(const std::string& domain) {
  thread_local std::mt19937_64 random{std::random_device{}()};
  static const char* kHex = "0123456789abcdef";
  std::string id = "triaged.";
  for (int i = 0; i < 2; ++i) {
    auto bits = random();
    for (int j = 0; j < 16; ++j, bits >>= 4) id += kHex[bits & 15];
  }
  return id + "@" + domain;
}

std::string customer_language(const routing::RuleSet& rules) {
  const auto& spec = rules.spec();
  if (spec.acknowledgement && !spec.acknowledgement->language.empty()) return spec.acknowledgement->language;
  for (const auto& l : spec.languages)
    if (l == "ru" || l == "en") return l;
  return "en";
}

std::string render_placeholders(std::string text, const std::map<std::string, std::string>& values) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    if (text[i] == '{') {
      const auto close = text.find('}', i);
      if (close != std::string::npos) {
        if (auto it = values.find(text.substr(i + 1, close - i - 1)); it != values.end()) {
          out += it->second;
          i = close + 1;
          continue;
        }
      }
    }
    out += text[i++];
  }
  // Lines made only of spaces count as empty; keep at most one empty line in a row.
  std::string tidy;
  int newlines = 0;
  std::size_t line_start = 0;
  for (char c : out) {
    if (c == '\n') {
      const bool blank = tidy.find_first_not_of(' ', line_start) == std::string::npos;
      if (blank) tidy.resize(line_start);
      newlines = blank ? newlines + 1 : 1;
      if (!blank || newlines <= 2) tidy += '\n';
      line_start = tidy.size();
      continue;
    }
    tidy += c;
  }
  return tidy;
}

std::string due_words(const routing::RuleSet& rules, std::chrono::system_clock::time_point due,
                      const std::string& language) {
  static const char* kRuMonths[] = {"января", "февраля", "марта",    "апреля",  "мая",    "июня",
                                    "июля",   "августа", "сентября", "октября", "ноября", "декабря"};
  // Genitive, after "до": "до среды".
  static const char* kRuDays[] = {"понедельника", "вторника", "среды",      "четверга",
                                  "пятницы",      "субботы",  "воскресенья"};
  static const char* kEnMonths[] = {"January", "February", "March",     "April",   "May",      "June",
                                    "July",    "August",   "September", "October", "November", "December"};
  static const char* kEnDays[] = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
  const auto t = routing::business_calendar(rules).local_time(due);
  const std::string clock = two_digits(t.hour) + ":" + two_digits(t.minute) + " (" + t.zone + ")";
  if (language == "ru")
    return std::string(kRuDays[t.weekday - 1]) + ", " + std::to_string(t.day) + " " + kRuMonths[t.month - 1] + ", " + clock;
  return std::string(kEnDays[t.weekday - 1]) + " " + std::to_string(t.day) + " " + kEnMonths[t.month - 1] + ", " + clock;
}

std::string due_sentence(const routing::RuleSet& rules, const routing::Decision& decision, const std::string& language) {
  if (!decision.has_due()) return "";
  const Texts& x = texts_for(language);
  if (!decision.complete()) return x.due_after_info;
  return replace_all(x.due, "{when}", due_words(rules, decision.due_at, language));
}

std::string field_titles(const routing::RuleSet& rules, const std::string& field, const std::string& language) {
  const auto fields = routing::fields_of(rules);
  std::string out;
  std::size_t start = 0;
  for (;;) {
    const auto bar = field.find('|', start);
    const std::string id = field.substr(start, bar - start);
    std::string title = id;
    for (const auto& f : fields)
      if (f.id == id && !f.title.empty()) title = f.title;
    if (!out.empty()) out += std::string(" ") + texts_for(language).or_word + " ";
    out += title;
    if (bar == std::string::npos) return out;
    start = bar + 1;
  }
}

std::string department_title(const routing::RuleSet& rules, const std::string& id) {
  for (const auto& d : rules.spec().departments)
    if (d.id == id) return d.title.empty() ? id : d.title;
  return id;
}

std::string missing_block(const routing::RuleSet& rules, const routing::Decision& decision, const std::string& language) {
  if (decision.complete()) return "";
  const Texts& x = texts_for(language);
  std::string out = std::string(x.missing_intro) + "\n";
  for (const auto& p : decision.problems) {
    out += "  - " + field_titles(rules, p.field, language);
    if (p.code != "missing") out += ": " + p.message;
    out += "\n";
  }
  return out + x.missing_how;
}

std::optional<storage::OutboxMail> acknowledgement_mail(const routing::RuleSet& rules, const routing::Decision& decision,
                                                        const AcknowledgementRequest& request) {
  if (request.to_address.empty()) return std::nullopt;
  if (!rules.spec().acknowledgement) return std::nullopt;
  auto chosen = customer_mail_texts(*rules.spec().acknowledgement, decision.topic, request.channel);
  if (!chosen) return std::nullopt;
  const std::string language = customer_language(rules);
  const Texts& x = texts_for(language);
  const std::map<std::string, std::string> values{
      {"name", request.to_name},
      {"topic", decision.topic_title.empty() ? decision.topic : decision.topic_title},
      {"department", department_title(rules, decision.department)},
      {"due", due_sentence(rules, decision, language)},
      {"missing", missing_block(rules, decision, language)}};
  std::string subject = render_placeholders(chosen->subject.empty() ? x.subject : chosen->subject, values);
  // A subject is one line: a template's or a title's line break would end the header.
  std::replace(subject.begin(), subject.end(), '\n', ' ');
  if (subject.find("[#{ref}]") == std::string::npos) subject = "[#{ref}] " + subject;
  if (!request.original_message_id.empty()) subject = "Re: " + subject;

  storage::OutboxMail mail;
  mail.to_address = request.to_address;
  mail.to_name = request.to_name;
  mail.subject = std::move(subject);
  mail.text = render_placeholders(chosen->text.empty() ? x.text : chosen->text, values);
  mail.message_id = request.message_id;
  mail.in_reply_to = request.original_message_id;
  mail.references = request.original_references;
  if (!request.original_message_id.empty()) mail.references.push_back(request.original_message_id);
  mail.purpose = decision.complete() ? "acknowledgement" : "needs_info";
  return mail;
}

}  // namespace triaged::daemon
