// A topic's texts for people: `canned` answers staff insert into a reply, and `answers` shown
// before a ticket is made. Shape and placeholders only; they reference nothing else.
#include "spec_parser.h"

#include <algorithm>
#include <cctype>

namespace triaged::rules {
namespace {

constexpr std::string_view kCannedKeys[] = {"title", "text"};
constexpr std::string_view kAnswerKeys[] = {"id", "title", "text", "url"};
constexpr std::string_view kPlaceholders[] = {"{ref}", "{name}", "{topic}", "{department}"};

// A canned answer is a reply's body, an answer a few sentences read out on the phone: the
// bounds keep a pasted document out of both.
constexpr std::size_t kMaxTitleChars = 200;
constexpr std::size_t kMaxTextChars = 10000;

std::size_t chars(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

// A non-empty string within `max` characters, else reported and nullopt.
std::optional<std::string> bounded_text(const Entry& e, std::string_view context, std::size_t max, Reader& r) {
  auto text = r.non_empty_string(e, context);
  if (text && chars(*text) > max) {
    r.error(r.where(e), entry_name(e, context) + " is longer than " + std::to_string(max) + " characters");
    return std::nullopt;
  }
  return text;
}

// Every "{word}" in `text` must be a known placeholder: a misspelt one would reach the
// customer as it is.
void check_placeholders(const Entry& e, const std::string& text, std::string_view context, Reader& r) {
  for (auto open = text.find('{'); open != std::string::npos; open = text.find('{', open + 1)) {
    const auto close = text.find('}', open);
    if (close == std::string::npos) return;
    const std::string_view name(text.data() + open + 1, close - open - 1);
    const bool word = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
    });
    if (!word) continue;
    const std::string placeholder = text.substr(open, close - open + 1);
    if (std::find(std::begin(kPlaceholders), std::end(kPlaceholders), placeholder) == std::end(kPlaceholders))
      r.error(r.where(e), "unknown placeholder " + quote(placeholder) + " in " + entry_name(e, context) +
                              " (expected {ref}, {name}, {topic} or {department})");
  }
}

bool web_url(std::string_view url) {
  const bool scheme = url.starts_with("https://") || url.starts_with("http://");
  return scheme && url.find_first_of(" \t\r\n\"'<>") == std::string_view::npos &&
         url.size() > url.find("//") + 2;
}

void parse_canned(const Entry& entry, const std::string& context, routing::TopicSpec& topic, Reader& r) {
  std::size_t index = 0;
  for (const YAML::Node& node : r.sequence(entry, context).value_or(std::vector<YAML::Node>{})) {
    const std::string what = "canned answer #" + std::to_string(++index);
    const std::string here = "in " + what + " " + context;
    auto body = r.mapping(node, node.IsNull() ? r.where(entry) : r.where(node), what + " " + context);
    if (!body) continue;
    r.check_keys(*body, here, kCannedKeys);
    routing::CannedAnswerSpec out;
    out.where = r.where(node);
    if (const Entry* e = body->find("title")) out.title = bounded_text(*e, here, kMaxTitleChars, r).value_or("");
    else r.missing_key(*body, "title", here);
    if (const Entry* e = body->find("text")) {
      out.text = bounded_text(*e, here, kMaxTextChars, r).value_or("");
      check_placeholders(*e, out.text, here, r);
    } else {
      r.missing_key(*body, "text", here);
    }
    topic.canned.push_back(std::move(out));
  }
}

void parse_answers(const Entry& entry, const std::string& context, routing::TopicSpec& topic, Reader& r) {
  std::size_t index = 0;
  for (const YAML::Node& node : r.sequence(entry, context).value_or(std::vector<YAML::Node>{})) {
    const std::string what = "answer #" + std::to_string(++index);
    std::string here = "in " + what + " " + context;
    auto body = r.mapping(node, node.IsNull() ? r.where(entry) : r.where(node), what + " " + context);
    if (!body) continue;
    routing::AnswerSpec out;
    out.where = r.where(node);
    if (const Entry* e = body->find("id")) {
      if (auto id = r.non_empty_string(*e, here)) {
        out.id = *id;
        const bool valid = std::all_of(id->begin(), id->end(), [](char c) {
          return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
        });
        if (!valid || id->size() > 64)
          r.error(r.where(*e), "invalid answer id " + quote(*id) + " " + here +
                                   ": at most 64 letters, digits, \"_\", \"-\" or \".\" (it is a metric label's part and a URL's)");
        for (const auto& before : topic.answers)
          if (before.id == *id) r.error(r.where(*e), "answer id " + quote(*id) + " " + context + " is used twice");
        here = "in answer " + quote(*id) + " " + context;
      }
    } else {
      r.missing_key(*body, "id", here);
    }
    r.check_keys(*body, here, kAnswerKeys);
    if (const Entry* e = body->find("title")) out.title = bounded_text(*e, here, kMaxTitleChars, r).value_or("");
    else r.missing_key(*body, "title", here);
    if (const Entry* e = body->find("text")) out.text = bounded_text(*e, here, kMaxTextChars, r).value_or("");
    else r.missing_key(*body, "text", here);
    if (const Entry* e = body->find("url")) {
      if (auto url = r.non_empty_string(*e, here)) {
        if (web_url(*url)) out.url = *url;
        else r.error(r.where(*e), "invalid url " + quote(*url) + " " + here + " (expected http:// or https:// and no spaces)");
      }
    }
    topic.answers.push_back(std::move(out));
  }
}

}  // namespace

void parse_topic_texts(const Mapping& body, const std::string& context, routing::TopicSpec& topic, Reader& r) {
  if (const Entry* e = body.find("canned")) parse_canned(*e, context, topic, r);
  if (const Entry* e = body.find("answers")) parse_answers(*e, context, topic, r);
}

}  // namespace triaged::rules
