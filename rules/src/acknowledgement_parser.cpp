// The `acknowledgement:` block: whether triaged acknowledges new tickets, in which language,
// on which channels, and with which texts (a default and per-topic overrides). Shape only;
// build_rule_set() checks topics, placeholders and the language.
#include "spec_parser.h"

namespace triaged::rules {
namespace {

constexpr std::string_view kAcknowledgementKeys[] = {"enabled", "language", "off_channels", "subject", "text",
                                                     "topics"};
constexpr std::string_view kTopicTextKeys[] = {"enabled", "subject", "text"};

}  // namespace

void parse_acknowledgement(const Entry& entry, routing::RuleSetSpec& spec, Reader& r) {
  const std::string context = "in \"acknowledgement\"";
  routing::AcknowledgementSpec out;
  out.where = r.where(entry.key_node);
  // `acknowledgement:` with nothing under it turns the built-in texts on.
  if (entry.value.IsNull()) {
    spec.acknowledgement = std::move(out);
    return;
  }
  auto body = r.mapping(entry, "at top level");
  if (!body) return;
  r.check_keys(*body, context, kAcknowledgementKeys);
  if (const Entry* e = body->find("enabled")) out.enabled = r.boolean(*e, context).value_or(true);
  if (const Entry* e = body->find("language")) out.language = r.non_empty_string(*e, context).value_or("");
  if (const Entry* e = body->find("off_channels"))
    out.off_channels = r.strings(*e, context, /*single_ok=*/true).value_or(std::vector<std::string>{});
  if (const Entry* e = body->find("subject")) out.subject = r.string(*e, context).value_or("");
  if (const Entry* e = body->find("text")) out.text = r.string(*e, context).value_or("");
  if (const Entry* e = body->find("topics")) {
    auto topics = r.mapping(*e, context);
    if (topics) {
      r.check_duplicates(*topics, "in \"acknowledgement.topics\"");
      for (const Entry& t : topics->entries) {
        const std::string topic_context = "in acknowledgement of topic " + quote(t.key);
        auto texts = r.mapping(t.value, r.where(t), "acknowledgement of topic " + quote(t.key));
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
  }
  spec.acknowledgement = std::move(out);
}

}  // namespace triaged::rules
