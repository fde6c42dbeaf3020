#include "identity/normalize.h"

#include <algorithm>
#include <array>
#include <cstddef>

namespace triaged::identity {
namespace {

constexpr std::size_t kMinE164Digits = 8;
constexpr std::size_t kMaxE164Digits = 15;  // ITU-T E.164 maximum, country code included
constexpr std::size_t kMaxExtensionDigits = 6;

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_ascii_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool has_digit(std::string_view s) { return std::ranges::any_of(s, is_digit); }

// Multi-byte separators people (and word processors) put between digit groups.
constexpr std::array<std::string_view, 9> kUnicodeSeparators = {
    "\u00A0",  // no-break space
    "\u202F",  // narrow no-break space
    "\u2009",  // thin space
    "\u2007",  // figure space
    "\u2010",  // hyphen
    "\u2011",  // non-breaking hyphen
    "\u2012",  // figure dash
    "\u2013",  // en dash
    "\u2212",  // minus sign
};

// Length of the separator at the start of `s`, 0 if there is none.
std::size_t separator_length(std::string_view s) {
  if (s.empty()) return 0;
  if (s[0] == ' ' || s[0] == '\t' || s[0] == '-' || s[0] == '.') return 1;
  for (std::string_view sep : kUnicodeSeparators) {
    if (s.starts_with(sep)) return sep.size();
  }
  return 0;
}

// A byte that starts (or is) a letter: ASCII letters, and any non-ASCII code point that is not
// one of our separators. Good enough to tell "тел8916" (glued) from "тел. 8916".
bool starts_with_letter(std::string_view s) {
  if (s.empty()) return false;
  const auto c = static_cast<unsigned char>(s[0]);
  if (c < 0x80) return is_ascii_alpha(s[0]);
  return separator_length(s) == 0;
}

bool ends_with_letter(std::string_view s) {
  if (s.empty()) return false;
  if (static_cast<unsigned char>(s.back()) < 0x80) return is_ascii_alpha(s.back());
  std::size_t start = s.size() - 1;
  while (start > 0 && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
  return starts_with_letter(s.substr(start));
}

// Lower-cases ASCII and basic Cyrillic (А..Я, Ё) so extension markers match in any case.
std::string lower_ru(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 'A' && c <= 'Z') {
      out += static_cast<char>(c + 32);
    } else if (c == 0xD0 && i + 1 < s.size()) {
      const auto n = static_cast<unsigned char>(s[++i]);
      if (n >= 0x90 && n <= 0x9F) {  // А..П -> а..п
        out += '\xD0';
        out += static_cast<char>(n + 0x20);
      } else if (n >= 0xA0 && n <= 0xAF) {  // Р..Я -> р..я
        out += '\xD1';
        out += static_cast<char>(n - 0x20);
      } else if (n == 0x81) {  // Ё -> ё
        out += "\xD1\x91";
      } else {
        out += '\xD0';
        out += static_cast<char>(n);
      }
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

// Longest first, so "добавочный" is not read as "доб" + "авочный".
constexpr std::array<std::string_view, 11> kExtensionMarkers = {
    "extension", "добавочный", "внутренний", "ext", "доб", "доп", "внутр", "вн", "x", "х", "#",
};

// Text after the number: either digit-free, or an extension marker with its digits followed by
// digit-free text. Returns false for anything that could be a second number.
bool tail_is_acceptable(std::string_view tail) {
  const bool glued = starts_with_letter(tail);
  std::string lowered = lower_ru(tail);
  std::string_view t = lowered;
  while (!t.empty() && (t[0] == ',' || t[0] == ';' || t[0] == '(' || separator_length(t) > 0)) {
    t.remove_prefix(t[0] == ',' || t[0] == ';' || t[0] == '(' ? 1 : separator_length(t));
  }
  for (std::string_view marker : kExtensionMarkers) {
    if (!t.starts_with(marker)) continue;
    std::string_view rest = t.substr(marker.size());
    while (!rest.empty() && (rest[0] == '.' || rest[0] == ':' || separator_length(rest) > 0)) {
      rest.remove_prefix(rest[0] == ':' ? 1 : separator_length(rest));
    }
    std::size_t digits = 0;
    while (digits < rest.size() && is_digit(rest[digits])) ++digits;
    if (digits == 0) break;  // "Хорошо", "xyz": words, not an extension
    if (digits > kMaxExtensionDigits) return false;
    rest.remove_prefix(digits);
    return !starts_with_letter(rest) && !has_digit(rest);
  }
  return !glued && !has_digit(tail);
}

// "RU" national forms. `digits` holds only digits and no '+' was written.
std::optional<std::string> russian_national(std::string_view digits) {
  auto national_ok = [](std::string_view national) { return national[0] >= '3' && national[0] <= '9'; };
  if (digits.size() == 11 && (digits[0] == '8' || digits[0] == '7') && national_ok(digits.substr(1))) {
    return "+7" + std::string(digits.substr(1));
  }
  if (digits.size() == 10 && (digits[0] == '3' || digits[0] == '4' || digits[0] == '9')) {
    return "+7" + std::string(digits);
  }
  return std::nullopt;
}

std::optional<std::string> international(std::string_view digits) {
  if (digits.size() < kMinE164Digits || digits.size() > kMaxE164Digits || digits[0] == '0') return std::nullopt;
  if (digits[0] == '7' && (digits.size() != 11 || digits[1] < '3')) return std::nullopt;
  return "+" + std::string(digits);
}

}  // namespace

std::optional<std::string> normalize_phone(std::string_view raw, std::string_view default_region) {
  const std::size_t first_digit = raw.find_first_of("0123456789");
  if (first_digit == std::string_view::npos) return std::nullopt;

  // The number may begin a little before its first digit: "+7", "(916)", "+ 7".
  std::size_t begin = first_digit;
  while (begin > 0 && (raw[begin - 1] == ' ' || raw[begin - 1] == '(')) --begin;
  const bool plus = begin > 0 && raw[begin - 1] == '+';
  if (plus) --begin;
  while (begin < first_digit && raw[begin] == ' ') ++begin;
  const std::string_view prefix = raw.substr(0, begin);
  if (ends_with_letter(prefix)) return std::nullopt;

  std::string digits;
  int depth = 0;
  bool parens_used = false;
  std::size_t open_paren = 0;
  std::size_t pos = plus ? begin + 1 : begin;
  std::size_t end = pos;  // one past the last digit or ')'
  while (pos < raw.size()) {
    const char c = raw[pos];
    if (is_digit(c)) {
      digits += c;
      end = ++pos;
    } else if (c == '(') {
      if (depth != 0 || parens_used) break;
      depth = 1;
      parens_used = true;
      open_paren = pos++;
    } else if (c == ')') {
      if (depth != 1) return std::nullopt;
      depth = 0;
      end = ++pos;
    } else if (const std::size_t n = separator_length(raw.substr(pos)); n > 0) {
      pos += n;
    } else {
      break;
    }
  }
  // An open '(' after the last digit belongs to the tail ("… 45 67 (моб.)"); one before it
  // was never closed.
  if (depth != 0 && open_paren < end) return std::nullopt;
  if (!tail_is_acceptable(raw.substr(end))) return std::nullopt;

  if (digits.size() > kMaxE164Digits) return std::nullopt;
  const std::size_t national_start = plus ? (digits.starts_with('7') ? 1 : 0) : (digits.size() == 11 ? 1 : 0);
  const std::string_view national = std::string_view(digits).substr(std::min(national_start, digits.size()));
  if (!national.empty() && std::ranges::all_of(national, [&](char c) { return c == national[0]; })) {
    return std::nullopt;
  }

  if (plus) return international(digits);
  if (default_region == "RU" || default_region == "ru") return russian_national(digits);
  return std::nullopt;
}

}  // namespace triaged::identity
