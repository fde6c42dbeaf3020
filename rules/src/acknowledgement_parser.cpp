// The `acknowledgement:` and `satisfaction:` blocks: whether triaged writes to the customer
// when a ticket is created (resp. first resolved), in which language, on which channels, and
// with which texts (a default and per-topic overrides). Shape only; build_rule_set() checks
// topics, placeholders, the language and the rating window.
#include <cmath>

#include "spec_parser.h"

namespace triaged::rules {
namespace {

constexpr std::string_view kAcknowledgementKeys[] = {"enabled", "language", "off_channels", "subject", "text",
                                                     "topics"};
constexpr std::string_view kSatisfactionKeys[] = {"enabled", "language", "off_channels", "subject", "text",
                                                  "topics",  "rating_days"};
constexpr std::string_view kTopicTextKeys[] = {"enabled", "subject", "text"};

// The keys both blocks share, read from `body` into `out`; `block` names it in messages.
void parse_mail_keys(const Mapping& body, const std::string& block, routing::AcknowledgementSpec& out, Reader& r) {
  const std::string context = "in \"" + block + "\"";
  if (const Entry* e = body.find("enabled")) out.enabled = r.boolean(*e, context).value_or(true);
  if (const Entry* e = body.find("language")) out.language = r.non_empty_string(*e, context).value_or("");
  if (const Entry* e = body.find("off_channels"))
    out.off_channels = r.strings(*e, context, /*single_ok=*/true).value_or(std::vector<std::string>{});
  if (const Entry* e = body.find("subject")) out.subject = r.string(*e, context).value_or("");
  if (const Entry* e = body.find("text")) out.text = r.string(*e, context).value_or("");
  const Entry* e = body.find("topics");
  if (e == nullptr) return;
  auto topics = r.mapping(*e, context);
  if (!topics) return;
  r.check_duplicates(*topics, "in \"" + block + ".topics\"");
  for (const Entry& t : topics->entries) {
    const std::string topic_context = "in " + block + " of topic " + quote(t.key);
    auto texts = r.mapping(t.value, r.where(t), block + " of topic " + quote(t.key));
    if (!texts) continue;
    r.check_keys(*texts, topic_context, kTopicTextKeys);
    routing::AcknowledgementTextSpec topic;
    topic.where = r.where(t.key_node);
    if (const Entry* x = texts->find("enabled")) topic.enabled = r.boolean(*x, topic_context);
    if (const Entry* x = texts->find("subject")) topic.subject = r.string(*x, topic_context).value_or("");
    if (const Entry* x = texts->find("text")) topic.text = r.string(*x, topic_context).value_or("");
    out.topics[t.key] = std::move(topic);
  }
}

}  // namespace

void parse_acknowledgement(const Entry& entry, routing::RuleSetSpec& spec, Reader& r) {
  routing::AcknowledgementSpec out;
  out.where = r.where(entry.key_node);
  // `acknowledgement:` with nothing under it turns the built-in texts on.
  if (!entry.value.IsNull()) {
    auto body = r.mapping(entry, "at top level");
    if (!body) return;
    r.check_keys(*body, "in \"acknowledgement\"", kAcknowledgementKeys);
    parse_mail_keys(*body, "acknowledgement", out, r);
  }
  spec.acknowledgement = std::move(out);
}

void parse_satisfaction(const Entry& entry, routing::RuleSetSpec& spec, Reader& r) {
  routing::SatisfactionSpec out;
  out.mail.where = r.where(entry.key_node);
  // `satisfaction:` with nothing under it turns the built-in survey on.
  if (!entry.value.IsNull()) {
    auto body = r.mapping(entry, "at top level");
    if (!body) return;
    r.check_keys(*body, "in \"satisfaction\"", kSatisfactionKeys);
    parse_mail_keys(*body, "satisfaction", out.mail, r);
    if (const Entry* e = body->find("rating_days")) {
      const auto days = r.number(*e, "in \"satisfaction\"");
      if (days && (*days != std::floor(*days) || *days < 1 || *days > 90))
        r.error(r.where(*e), "in \"satisfaction\": rating_days must be a whole number from 1 to 90");
      else if (days)
        out.rating_days = static_cast<int>(*days);
    }
  }
  spec.satisfaction = std::move(out);
}

}  // namespace triaged::rules
