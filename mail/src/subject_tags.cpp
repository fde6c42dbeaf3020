// Subject-line helpers: reply/forward prefixes and our "[#REF]" ticket tag.
#include <glib.h>

#include <algorithm>
#include <array>
#include <string>
#include <string_view>

#include "mail/message.h"
#include "text_utf8.h"

namespace triaged::mail {
namespace {

// Longest first, so "Fwd" is tried before "Fw" and "Ответ" before "Отв".
// Casefolded (detail::casefold), so Cyrillic prefixes match in any case ("ОТВЕТ", "Ответ").
constexpr std::array<std::string_view, 11> kPrefixes = {
    "ответ", "пересл", "отв", "fwd", "re", "fw", "aw", "wg", "sv", "vs", "tr"};

std::size_t skip_spaces(std::string_view text, std::size_t at) {
  while (at < text.size() && (text[at] == ' ' || text[at] == '\t')) ++at;
  return at;
}

// "[2]" or "(2)" after a prefix, as Outlook and some Russian clients count replies.
std::size_t skip_counter(std::string_view text, std::size_t at) {
  if (at >= text.size() || (text[at] != '[' && text[at] != '(')) return at;
  const char close = text[at] == '[' ? ']' : ')';
  std::size_t digits_end = at + 1;
  while (digits_end < text.size() && text[digits_end] >= '0' && text[digits_end] <= '9') ++digits_end;
  if (digits_end == at + 1 || digits_end >= text.size() || text[digits_end] != close) return at;
  return digits_end + 1;
}

// Length of one "Re:"-style prefix at the start of `text`, 0 if there is none.
std::size_t prefix_length(std::string_view text) {
  if (text.empty()) return 0;
  for (const std::string_view prefix : kPrefixes) {
    // Casefold exactly as many characters of `text` as the prefix has.
    std::size_t candidate_end = 0;
    std::size_t characters = 0;
    const auto prefix_characters = static_cast<std::size_t>(g_utf8_strlen(prefix.data(), static_cast<gssize>(prefix.size())));
    while (candidate_end < text.size() && characters < prefix_characters) {
      candidate_end = static_cast<std::size_t>(g_utf8_next_char(text.data() + candidate_end) - text.data());
      ++characters;
    }
    if (candidate_end > text.size() || detail::casefold(text.substr(0, candidate_end)) != prefix) continue;
    std::size_t at = skip_counter(text, candidate_end);
    at = skip_spaces(text, at);
    if (at < text.size() && text[at] == ':') return at + 1;
    if (text.substr(at).starts_with("\xEF\xBC\x9A")) return at + 3;  // full-width colon
  }
  return 0;
}

bool is_ref_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

}  // namespace

std::string strip_reply_prefixes(std::string_view subject) {
  std::string_view rest = detail::trim(subject);
  if (!detail::is_valid_utf8(rest)) return detail::clean_utf8(rest);
  while (const std::size_t length = prefix_length(rest)) rest = detail::trim(rest.substr(length));
  return std::string(rest);
}

std::vector<std::string> find_ticket_tags(std::string_view subject) {
  constexpr std::size_t kMinRef = 3;
  constexpr std::size_t kMaxRef = 12;
  std::vector<std::string> refs;
  for (std::size_t open = subject.find("[#"); open != std::string_view::npos;
       open = subject.find("[#", open + 1)) {
    std::size_t end = open + 2;
    while (end < subject.size() && end - (open + 2) <= kMaxRef && is_ref_char(subject[end])) ++end;
    const std::size_t length = end - (open + 2);
    if (end < subject.size() && subject[end] == ']' && length >= kMinRef && length <= kMaxRef) {
      std::string ref(subject.substr(open + 2, length));
      for (auto& c : ref) {
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
      }
      if (std::find(refs.begin(), refs.end(), ref) == refs.end()) refs.push_back(std::move(ref));
    }
  }
  return refs;
}

std::optional<std::string> find_ticket_tag(std::string_view subject) {
  auto refs = find_ticket_tags(subject);
  if (refs.empty()) return std::nullopt;
  return std::move(refs.front());
}

}  // namespace triaged::mail
