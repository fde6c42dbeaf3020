#include "charset_guess.h"

#include <gmime/gmime.h>

#include <optional>

#include "text_utf8.h"

namespace triaged::mail::detail {
namespace {

std::optional<std::string> convert(std::string_view bytes, const char* from_charset) {
  gsize written = 0;
  GError* error = nullptr;
  gchar* converted = g_convert(bytes.data(), static_cast<gssize>(bytes.size()), "UTF-8",
                               from_charset, nullptr, &written, &error);
  if (error != nullptr) {
    g_error_free(error);
    g_free(converted);
    return std::nullopt;
  }
  std::string result(converted, written);
  g_free(converted);
  return result;
}

bool is_high(unsigned char byte) { return byte >= 0x80; }
bool is_ascii_letter(unsigned char byte) {
  return (byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z');
}

// Cyrillic words are runs of 8-bit bytes; Western accents sit between ASCII letters.
bool looks_cyrillic(std::string_view bytes) {
  std::size_t high_next_to_high = 0;
  std::size_t high_next_to_ascii = 0;
  for (std::size_t i = 1; i < bytes.size(); ++i) {
    const auto left = static_cast<unsigned char>(bytes[i - 1]);
    const auto right = static_cast<unsigned char>(bytes[i]);
    if (is_high(left) && is_high(right)) {
      ++high_next_to_high;
    } else if ((is_high(left) && is_ascii_letter(right)) || (is_ascii_letter(left) && is_high(right))) {
      ++high_next_to_ascii;
    }
  }
  return high_next_to_high > high_next_to_ascii;
}

std::size_t count_lower_case_cyrillic(std::string_view utf8) {
  std::size_t count = 0;
  for (const char* p = utf8.data(); p < utf8.data() + utf8.size(); p = g_utf8_next_char(p)) {
    const gunichar c = g_utf8_get_char(p);
    if ((c >= 0x0430 && c <= 0x044F) || c == 0x0451) ++count;
  }
  return count;
}

struct Guess {
  std::string charset;
  std::string text;
};

Guess guess_and_convert(std::string_view bytes) {
  if (is_valid_utf8(bytes)) return {"UTF-8", std::string(bytes)};
  if (looks_cyrillic(bytes)) {
    auto as_cp1251 = convert(bytes, "WINDOWS-1251");
    auto as_koi8 = convert(bytes, "KOI8-R");
    if (as_cp1251 && as_koi8) {
      if (count_lower_case_cyrillic(*as_koi8) > count_lower_case_cyrillic(*as_cp1251)) {
        return {"KOI8-R", std::move(*as_koi8)};
      }
      return {"windows-1251", std::move(*as_cp1251)};
    }
    if (as_cp1251) return {"windows-1251", std::move(*as_cp1251)};
    if (as_koi8) return {"KOI8-R", std::move(*as_koi8)};
  }
  if (auto as_cp1252 = convert(bytes, "WINDOWS-1252")) return {"windows-1252", std::move(*as_cp1252)};
  // ISO-8859-1 maps every byte, so this cannot fail.
  return {"ISO-8859-1", convert(bytes, "ISO-8859-1").value_or(std::string())};
}

}  // namespace

std::string guess_charset(std::string_view bytes) { return guess_and_convert(bytes).charset; }

DecodedText decode_to_utf8(std::string_view bytes, std::string_view declared, std::string_view what) {
  const std::string label(trim(declared));
  if (!label.empty()) {
    const char* iconv_name = g_mime_charset_iconv_name(label.c_str());
    const std::string canonical = ascii_lower(iconv_name != nullptr ? iconv_name : label.c_str());
    if (canonical == "utf-8" || canonical == "utf8") {
      if (is_valid_utf8(bytes)) return {std::string(bytes), {}};
    } else if (auto converted = convert(bytes, iconv_name != nullptr ? iconv_name : label.c_str())) {
      return {std::move(*converted), {}};
    }
  } else if (is_valid_utf8(bytes)) {
    return {std::string(bytes), {}};
  }
  Guess guess = guess_and_convert(bytes);
  std::string warning = std::string(what) + ": ";
  warning += label.empty() ? "no charset declared" : "declared charset \"" + label + "\" does not decode it";
  warning += "; guessed " + guess.charset;
  return {std::move(guess.text), std::move(warning)};
}

}  // namespace triaged::mail::detail
