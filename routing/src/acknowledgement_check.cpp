// Load-time checks of a rule set's `acknowledgement` block: the topics it overrides exist, the
// language is one triaged has texts for, and every {placeholder} is one the renderer fills, so
// a typo is a located error at load rather than a literal "{reff}" in a customer's mailbox.
#include "acknowledgement_check.h"

#include <algorithm>

namespace triaged::routing {
namespace {

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

void check_placeholders(const std::string& text, const std::string& where, const std::string& what,
                        Diagnostics& errors) {
  const auto& known = acknowledgement_placeholders();
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

}  // namespace

const std::vector<std::string>& acknowledgement_placeholders() {
  static const std::vector<std::string> kNames = {"{ref}",     "{name}",    "{topic}",      "{department}",
                                                  "{due}",     "{missing}", "{status_link}"};
  return kNames;
}

void check_acknowledgement(const RuleSetSpec& spec, Diagnostics& errors) {
  if (!spec.acknowledgement) return;
  const AcknowledgementSpec& a = *spec.acknowledgement;
  if (!a.language.empty() && a.language != "ru" && a.language != "en")
    errors.push_back({a.where, "acknowledgement: language " + quoted(a.language) + " has no texts (expected ru or en)"});
  check_placeholders(a.subject, a.where, "acknowledgement subject", errors);
  check_placeholders(a.text, a.where, "acknowledgement text", errors);
  for (const auto& [topic, texts] : a.topics) {
    const bool known = std::any_of(spec.topics.begin(), spec.topics.end(), [&](const TopicSpec& t) { return t.id == topic; });
    if (!known) errors.push_back({texts.where, "acknowledgement: unknown topic " + quoted(topic)});
    check_placeholders(texts.subject, texts.where, "acknowledgement subject of topic " + quoted(topic), errors);
    check_placeholders(texts.text, texts.where, "acknowledgement text of topic " + quoted(topic), errors);
  }
}

}  // namespace triaged::routing
