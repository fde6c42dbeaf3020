// Load-time checks of a rule set's `acknowledgement` and `satisfaction` blocks: the topics they
// override exist, the language is one triaged has texts for, and every {placeholder} is one
// the renderer fills, so a typo is a located error at load rather than a literal "{reff}" in
// a customer's mailbox.
#include "acknowledgement_check.h"

#include <algorithm>

namespace triaged::routing {
namespace {

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

void check_placeholders(const std::string& text, const std::string& where, const std::string& what,
                        const std::vector<std::string>& known, Diagnostics& errors) {
  for (auto open = text.find('{'); open != std::string::npos; open = text.find('{', open + 1)) {
    const auto close = text.find('}', open);
    if (close == std::string::npos) return;
    const std::string name = text.substr(open, close - open + 1);
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      std::string list;
      for (const auto& k : known) list += (list.empty() ? "" : " ") + k;
      errors.push_back({where, what + ": unknown placeholder " + quoted(name) + " (known: " + list + ")"});
    }
  }
}

// `block` names the rule set key in messages: "acknowledgement" or "satisfaction".
void check_customer_mail(const RuleSetSpec& spec, const AcknowledgementSpec& a, const std::string& block,
                         const std::vector<std::string>& known, Diagnostics& errors) {
  if (!a.language.empty() && a.language != "ru" && a.language != "en")
    errors.push_back({a.where, block + ": language " + quoted(a.language) + " has no texts (expected ru or en)"});
  check_placeholders(a.subject, a.where, block + " subject", known, errors);
  check_placeholders(a.text, a.where, block + " text", known, errors);
  for (const auto& [topic, texts] : a.topics) {
    const bool exists = std::any_of(spec.topics.begin(), spec.topics.end(), [&](const TopicSpec& t) { return t.id == topic; });
    if (!exists) errors.push_back({texts.where, block + ": unknown topic " + quoted(topic)});
    check_placeholders(texts.subject, texts.where, block + " subject of topic " + quoted(topic), known, errors);
    check_placeholders(texts.text, texts.where, block + " text of topic " + quoted(topic), known, errors);
  }
}

}  // namespace

const std::vector<std::string>& acknowledgement_placeholders() {
  static const std::vector<std::string> kNames = {"{ref}",     "{name}",    "{topic}",      "{department}",
                                                  "{due}",     "{missing}", "{status_link}"};
  return kNames;
}

const std::vector<std::string>& satisfaction_placeholders() {
  static const std::vector<std::string> kNames = {"{ref}",       "{name}",     "{topic}",      "{department}",
                                                  "{good_link}", "{bad_link}", "{status_link}", "{days}"};
  return kNames;
}

void check_acknowledgement(const RuleSetSpec& spec, Diagnostics& errors) {
  if (spec.acknowledgement)
    check_customer_mail(spec, *spec.acknowledgement, "acknowledgement", acknowledgement_placeholders(), errors);
}

void check_satisfaction(const RuleSetSpec& spec, Diagnostics& errors) {
  if (!spec.satisfaction) return;
  const SatisfactionSpec& s = *spec.satisfaction;
  check_customer_mail(spec, s.mail, "satisfaction", satisfaction_placeholders(), errors);
  if (s.rating_days < 1 || s.rating_days > 90)
    errors.push_back({s.mail.where, "satisfaction: rating_days " + std::to_string(s.rating_days) + " is out of range (1 to 90)"});
}

}  // namespace triaged::routing
