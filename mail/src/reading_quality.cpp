// reading_quality: the per-message figures `triagectl parse-mail --summary` adds up. Charset
// guesses are read back from the warnings this module writes (charset_guess.cpp and
// parse_message.cpp end them in "guessed NAME" or "read as NAME, a charset the message
// declares..."); the tests pin both forms.
#include <algorithm>
#include <string>
#include <string_view>

#include "mail/message.h"
#include "message_headers.h"

namespace triaged::mail {
namespace {

std::size_t count_replacements(std::string_view text) {
  constexpr std::string_view kReplacement = "\xEF\xBF\xBD";
  std::size_t count = 0;
  for (std::size_t at = text.find(kReplacement); at != std::string_view::npos; at = text.find(kReplacement, at + 3)) {
    ++count;
  }
  return count;
}

// "...; guessed KOI8-R" -> "KOI8-R"; "...; read as big5, a charset the message declares" -> "big5".
std::string charset_named_in(std::string_view warning) {
  constexpr std::string_view kGuessed = "; guessed ";
  if (const std::size_t at = warning.rfind(kGuessed); at != std::string_view::npos) {
    return std::string(warning.substr(at + kGuessed.size()));
  }
  constexpr std::string_view kReadAs = "; read as ";
  constexpr std::string_view kDeclared = ", a charset the message declares";
  const std::size_t at = warning.rfind(kReadAs);
  const std::size_t end = warning.find(kDeclared);
  if (at == std::string_view::npos || end == std::string_view::npos || end < at) return {};
  return std::string(warning.substr(at + kReadAs.size(), end - at - kReadAs.size()));
}

}  // namespace

ReadingQuality reading_quality(const ParsedMessage& message) {
  ReadingQuality quality;
  quality.empty_text = std::ranges::all_of(message.text, [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
  });
  quality.replacement_characters =
      count_replacements(message.subject) + count_replacements(message.from.name) + count_replacements(message.text);
  for (const auto& warning : message.warnings) {
    if (warning.find("fit no charset") != std::string::npos) ++quality.replacement_characters;  // parse_message.cpp
    std::string charset = charset_named_in(warning);
    if (!charset.empty() && std::ranges::find(quality.guessed_charsets, charset) == quality.guessed_charsets.end()) {
      quality.guessed_charsets.push_back(std::move(charset));
    }
  }
  quality.missing_sender = !detail::is_usable_address(message.from);
  quality.automatic = message.is_automatic();
  quality.bounce = message.is_bounce;
  return quality;
}

}  // namespace triaged::mail
