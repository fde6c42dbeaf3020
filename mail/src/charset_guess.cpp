#include "charset_guess.h"

#include <gmime/gmime.h>

#include <algorithm>
#include <array>
#include <cerrno>
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

// Western 8-bit text has its accented letters alone or in pairs ("Größe", "příliš"); double-byte
// CJK charsets (Big5, Shift_JIS, GBK, whose second byte may be ASCII) make runs of three and
// more 8-bit bytes whenever two characters meet. True when at least four 8-bit bytes and half
// of them stand in such runs.
bool looks_double_byte(std::string_view bytes) {
  std::size_t high = 0;
  std::size_t in_long_runs = 0;
  std::size_t run = 0;
  for (std::size_t i = 0; i <= bytes.size(); ++i) {
    if (i < bytes.size() && is_high(static_cast<unsigned char>(bytes[i]))) {
      ++high;
      ++run;
      continue;
    }
    if (run >= 3) in_long_runs += run;
    run = 0;
  }
  return high >= 4 && in_long_runs * 2 >= high;
}

// How Russian the text reads: the sum over its Cyrillic letters of ten times the natural log
// of the letter's frequency in Russian prose (а..я; ё is rare in print), plus 3 for each
// lower-case letter. Text read through the wrong one of windows-1251 and KOI8-R lands on rare
// letters (ъ, щ, ф, э) and swaps case, so the right table scores higher, in capitals too.
int russian_score(std::string_view utf8) {
  static constexpr std::array<int, 32> kLogFrequency = {21, 5, 15, 5, 11, 21, -1, 5, 20, 2, 12, 15, 12, 19, 24, 10,
                                                        16, 17, 18, 10, -13, 0, -7, 4, -3, -10, -32, 6, 6, -11, -4, 7};
  int score = 0;
  for (const char* p = utf8.data(); p < utf8.data() + utf8.size(); p = g_utf8_next_char(p)) {
    const gunichar c = g_utf8_get_char(p);
    if (c < 0x0400 || c > 0x04FF) continue;
    const gunichar lower = g_unichar_tolower(c);
    if (lower >= 0x0430 && lower <= 0x044F) {
      score += kLogFrequency[lower - 0x0430];
    } else if (lower == 0x0451) {
      score += -32;
    } else {
      score += 7;  // і ї є ґ ў: Ukrainian and Belarusian letters, neither common nor rare
    }
    if (c != lower) continue;
    score += 3;
  }
  return score;
}

// Whether text decoded as windows-1251 or KOI8-R reads like a Cyrillic language rather than
// CJK or other bytes forced through a Cyrillic table: nearly all its non-ASCII characters are
// Cyrillic letters, and mostly lower case unless it is all capitals.
bool plausible_cyrillic(std::string_view utf8) {
  std::size_t non_ascii = 0;
  std::size_t letters = 0;
  std::size_t lower = 0;
  for (const char* p = utf8.data(); p < utf8.data() + utf8.size(); p = g_utf8_next_char(p)) {
    const gunichar c = g_utf8_get_char(p);
    if (c < 0x80) continue;
    ++non_ascii;
    if (c >= 0x0400 && c <= 0x04FF) {
      ++letters;
      lower += g_unichar_islower(c) ? 1 : 0;
    }
  }
  if (non_ascii == 0) return true;
  return (letters * 100 >= non_ascii * 85 && lower * 100 >= letters * 70) || letters * 100 >= non_ascii * 97;
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
      if (russian_score(*as_koi8) > russian_score(*as_cp1251)) {
        return {"KOI8-R", std::move(*as_koi8)};
      }
      return {"windows-1251", std::move(*as_cp1251)};
    }
    if (as_cp1251) return {"windows-1251", std::move(*as_cp1251)};
    if (as_koi8) return {"KOI8-R", std::move(*as_koi8)};
  }
  if (looks_double_byte(bytes)) return {"", ""};  // no single-byte table reads it
  if (auto as_cp1252 = convert(bytes, "WINDOWS-1252")) return {"windows-1252", std::move(*as_cp1252)};
  // ISO-8859-1 maps every byte, so this cannot fail.
  return {"ISO-8859-1", convert(bytes, "ISO-8859-1").value_or(std::string())};
}

}  // namespace

std::string guess_charset(std::string_view bytes) {
  Guess guess = guess_and_convert(bytes);
  if ((guess.charset == "windows-1251" || guess.charset == "KOI8-R") && !plausible_cyrillic(guess.text)) return {};
  return guess.charset;  // "" from guess_and_convert too: bytes that look double-byte
}

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

struct Lenient {
  std::string text;
  std::size_t replaced = 0;  // input bytes iconv could not convert
};

// UTF-8 as labelled: each byte that is not part of a valid sequence becomes U+FFFD.
Lenient lenient_utf8(std::string_view bytes) {
  Lenient out;
  out.text.reserve(bytes.size() + 16);
  while (!bytes.empty()) {
    const char* end = nullptr;
    g_utf8_validate(bytes.data(), static_cast<gssize>(bytes.size()), &end);
    const auto valid = static_cast<std::size_t>(end - bytes.data());
    out.text.append(bytes.substr(0, valid));
    bytes.remove_prefix(valid);
    if (bytes.empty()) break;
    if (bytes.front() == '\0') {  // g_utf8_validate stops at NUL, which is valid UTF-8
      out.text += '\0';
    } else {
      out.text += kReplacement;
      ++out.replaced;
    }
    bytes.remove_prefix(1);
  }
  return out;
}

// `bytes` through iconv from `charset`; a byte sequence iconv rejects becomes one U+FFFD and
// conversion resumes after its first byte. nullopt if iconv does not know the charset.
std::optional<Lenient> lenient_convert(std::string_view bytes, const char* charset) {
  GIConv cd = g_iconv_open("UTF-8", charset);
  if (cd == reinterpret_cast<GIConv>(-1)) return std::nullopt;
  Lenient out;
  std::string buffer(4096, '\0');
  gchar* in = const_cast<gchar*>(bytes.data());
  gsize in_left = bytes.size();
  while (in_left > 0) {
    gchar* out_ptr = buffer.data();
    gsize out_left = buffer.size();
    const gsize result = g_iconv(cd, &in, &in_left, &out_ptr, &out_left);
    out.text.append(buffer.data(), buffer.size() - out_left);
    if (result != static_cast<gsize>(-1)) break;
    if (errno == E2BIG) continue;
    // EILSEQ (not in the charset) or EINVAL (a sequence cut off at the end): replace one byte.
    out.text += kReplacement;
    ++out.replaced;
    ++in;
    --in_left;
    g_iconv(cd, nullptr, nullptr, nullptr, nullptr);  // back to the initial shift state
  }
  g_iconv_close(cd);
  return out;
}

std::size_t count_high_bytes(std::string_view bytes) {
  return static_cast<std::size_t>(std::ranges::count_if(bytes, [](char c) { return is_high(static_cast<unsigned char>(c)); }));
}

// Multi-byte characters among the valid UTF-8 stretches of `bytes`.
std::size_t count_utf8_sequences(std::string_view bytes) {
  std::size_t count = 0;
  while (!bytes.empty()) {
    const char* end = nullptr;
    g_utf8_validate(bytes.data(), static_cast<gssize>(bytes.size()), &end);
    for (const char* p = bytes.data(); p < end; ++p) count += (static_cast<unsigned char>(*p) & 0xC0) == 0xC0;
    bytes.remove_prefix(static_cast<std::size_t>(end - bytes.data()));
    if (!bytes.empty()) bytes.remove_prefix(1);
  }
  return count;
}

std::string replaced_warning(std::string_view what, std::size_t replaced, std::string_view charset) {
  return std::string(what) + ": " + std::to_string(replaced) + (replaced == 1 ? " byte" : " bytes") +
         " invalid in " + std::string(charset) + " replaced by U+FFFD";
}

}  // namespace

namespace {

bool iconv_opens(const std::string& name) {
  GIConv cd = g_iconv_open("UTF-8", name.c_str());
  if (cd == reinterpret_cast<GIConv>(-1)) return false;
  g_iconv_close(cd);
  return true;
}

}  // namespace

std::string iconv_charset(std::string_view label) {
  std::string name = ascii_lower(trim(label));
  std::erase_if(name, [](char c) { return c == '"' || c == '\''; });
  constexpr std::array<std::string_view, 8> kNoCharset = {
      "unknown-8bit", "unknown", "x-unknown", "x-user-defined", "default", "none", "_autodetect", "_autodetect_all"};
  if (name.empty() || std::ranges::find(kNoCharset, name) != kNoCharset.end()) return {};
  constexpr std::array<std::pair<std::string_view, std::string_view>, 7> kAliases = {{
      {"x-mac-cyrillic", "MACCYRILLIC"}, {"x-mac-ukrainian", "MACUKRAINIAN"}, {"x-mac-roman", "MACINTOSH"},
      {"x-mac-ce", "MAC-CENTRALEUROPE"}, {"unicode-1-1-utf-7", "UTF-7"}, {"ks_c_5601", "CP949"},
      {"x-sjis", "SHIFT_JIS"}}};
  std::vector<std::string> candidates = {name};
  for (const auto& [alias, real] : kAliases) {
    if (name == alias) candidates.emplace_back(real);
  }
  std::string bare = name;
  if (bare.starts_with("3d")) bare.erase(0, 2);               // "=3D" of a quoted-printable header
  if (bare.starts_with('_')) bare.erase(0, 1);                // "_iso-2022-jp$esc"
  if (const std::size_t dollar = bare.find('$'); dollar != std::string::npos) bare.resize(dollar);
  if (bare.starts_with("x-")) bare.erase(0, 2);               // "x-gbk", "x-euc-jp", "x-cp1250"
  if (bare.starts_with("win-")) bare = "windows-" + bare.substr(4);
  if (bare.starts_with("windows") && bare.size() > 7 && g_ascii_isdigit(bare[7])) bare.insert(7, "-");
  if (bare.starts_with("cp-")) bare.erase(2, 1);
  candidates.push_back(bare);
  for (const auto& candidate : candidates) {
    const char* iconv_name = g_mime_charset_iconv_name(candidate.c_str());
    const std::string resolved = iconv_name != nullptr ? iconv_name : candidate;
    if (iconv_opens(resolved)) return resolved;
  }
  return {};
}

std::string first_clean_charset(std::string_view bytes, const std::vector<std::string>& charsets) {
  for (const auto& charset : charsets) {
    const std::string iconv_name = iconv_charset(charset);
    if (!iconv_name.empty() && convert(bytes, iconv_name.c_str())) return charset;
  }
  return {};
}

DecodedText decode_to_utf8(std::string_view bytes, std::string_view declared, std::string_view what,
                           const std::vector<std::string>& sender_charsets) {
  const std::string label(trim(declared));
  const std::string iconv_name = iconv_charset(label);
  if (!iconv_name.empty()) {
    const std::string canonical = ascii_lower(iconv_name);
    if (canonical == "utf-8" || canonical == "utf8") {
      if (is_valid_utf8(bytes)) return {std::string(bytes), {}};
      // Mostly valid UTF-8 with a few bad bytes is damaged UTF-8, not another charset: the
      // label holds while valid multi-byte characters are at least as many as bad bytes.
      Lenient lenient = lenient_utf8(bytes);
      if (lenient.replaced <= count_utf8_sequences(bytes)) {
        std::string warning = std::string(what) + ": " + std::to_string(lenient.replaced) +
                              (lenient.replaced == 1 ? " invalid UTF-8 byte" : " invalid UTF-8 bytes") +
                              " replaced by U+FFFD";
        return {std::move(lenient.text), std::move(warning)};
      }
    } else if (auto converted = convert(bytes, iconv_name.c_str())) {
      return {std::move(*converted), {}};
    } else if (!is_valid_utf8(bytes)) {
      // A label iconv knows that fails on a few bytes still beats a guess: at most one byte in
      // four of the 8-bit ones may be bad. (Valid UTF-8 under a wrong label is left to the guess.)
      auto lenient = lenient_convert(bytes, iconv_name.c_str());
      if (lenient && lenient->replaced * 4 <= count_high_bytes(bytes)) {
        return {std::move(lenient->text), replaced_warning(what, lenient->replaced, label)};
      }
    }
  } else if (label.empty() && is_valid_utf8(bytes)) {
    return {std::string(bytes), {}};
  }
  std::string warning = std::string(what) + ": ";
  warning += label.empty() ? "no charset declared" : "declared charset \"" + label + "\" does not decode it";
  if (!is_valid_utf8(bytes)) {
    std::vector<std::string> others;
    for (const auto& charset : sender_charsets) {
      if (ascii_lower(charset) != ascii_lower(label)) others.push_back(charset);
    }
    const std::string used = first_clean_charset(bytes, others);
    if (!used.empty()) {
      if (auto converted = convert(bytes, iconv_charset(used).c_str())) {
        return {std::move(*converted), warning + "; read as " + used + ", a charset the message declares elsewhere"};
      }
    }
  }
  Guess guess = guess_and_convert(bytes);
  if (guess.charset.empty() ||
      ((guess.charset == "windows-1251" || guess.charset == "KOI8-R") && !plausible_cyrillic(guess.text))) {
    // 8-bit bytes in pairs or runs that read as no Cyrillic text: CJK or another charset we
    // cannot tell. U+FFFD is honest where any single-byte guess would be confident mojibake.
    std::string honest;
    std::size_t replaced = 0;
    for (const char c : bytes) {
      if (static_cast<unsigned char>(c) < 0x80) {
        honest += c;
      } else {
        honest += kReplacement;
        ++replaced;
      }
    }
    return {std::move(honest), warning + "; no charset fits, " + std::to_string(replaced) +
                                   " undecodable bytes replaced by U+FFFD"};
  }
  warning += "; guessed " + guess.charset;
  return {std::move(guess.text), std::move(warning)};
}

}  // namespace triaged::mail::detail
