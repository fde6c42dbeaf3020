#include "text_utf8.h"

#include <glib.h>

#include <algorithm>

namespace triaged::mail::detail {

// NUL is valid UTF-8 but g_utf8_validate rejects it; stray NULs must not make a UTF-8 body look
// like a legacy charset (they are removed later anyway).
bool is_valid_utf8(std::string_view bytes) {
  std::size_t start = 0;
  while (start <= bytes.size()) {
    const std::size_t nul = std::min(bytes.find('\0', start), bytes.size());
    if (!g_utf8_validate(bytes.data() + start, static_cast<gssize>(nul - start), nullptr)) return false;
    start = nul + 1;
  }
  return true;
}

std::string clean_utf8(std::string_view bytes) {
  std::string without_nul;
  without_nul.reserve(bytes.size());
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const char c = bytes[i];
    if (c == '\0') continue;
    if (c == '\r') {
      without_nul += '\n';
      if (i + 1 < bytes.size() && bytes[i + 1] == '\n') ++i;
      continue;
    }
    without_nul += c;
  }
  if (is_valid_utf8(without_nul)) return without_nul;
  gchar* valid = g_utf8_make_valid(without_nul.data(), static_cast<gssize>(without_nul.size()));
  std::string result(valid);
  g_free(valid);
  return result;
}

std::string_view cut_at_utf8_boundary(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  std::size_t end = max_bytes;
  // Back off continuation bytes (10xxxxxx) so the cut lands before a sequence's lead byte.
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

std::string unfold_header_value(std::string_view value) {
  std::string result;
  result.reserve(value.size());
  bool pending_space = false;
  for (const char c : value) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte == '\r' || byte == '\n' || byte == '\t' || byte == ' ' || byte < 0x20 || byte == 0x7F) {
      pending_space = !result.empty();
      continue;
    }
    if (pending_space) result += ' ';
    pending_space = false;
    result += c;
  }
  return result;
}

std::string ascii_lower(std::string_view text) {
  std::string result(text);
  for (auto& c : result) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return result;
}

std::string casefold(std::string_view text) {
  if (text.empty()) return {};
  gchar* folded = g_utf8_casefold(text.data(), static_cast<gssize>(text.size()));
  std::string result(folded);
  g_free(folded);
  return result;
}

std::string_view trim(std::string_view text) {
  constexpr std::string_view kSpace = " \t\r\n\f\v";
  const auto first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(kSpace);
  return text.substr(first, last - first + 1);
}

bool is_blank(std::string_view text) {
  // U+00A0 counts: HTML mail pads "empty" plain parts with it.
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v') continue;
    if (c == '\xC2' && i + 1 < text.size() && text[i + 1] == '\xA0') {
      ++i;
      continue;
    }
    return false;
  }
  return true;
}

bool starts_with_ignoring_ascii_case(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && ascii_lower(text.substr(0, prefix.size())) == ascii_lower(prefix);
}

}  // namespace triaged::mail::detail
