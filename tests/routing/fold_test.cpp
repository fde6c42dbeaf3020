// Case folding: the table route() uses for ASCII and basic Cyrillic must agree with Unicode's
// full case folding (utf8proc, NFC) on every character it covers. keyword_key() of a prefix
// keyword is the folded word itself, so it shows what fold() produced.
#include <catch2/catch.hpp>
#include <utf8proc.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "routing/rule_spec.h"

namespace {

std::string utf8(utf8proc_int32_t cp) {
  utf8proc_uint8_t buffer[4];
  const auto n = utf8proc_encode_char(cp, buffer);
  return std::string(reinterpret_cast<const char*>(buffer), static_cast<std::size_t>(n));
}

std::string reference_fold(const std::string& text) {
  utf8proc_uint8_t* mapped = nullptr;
  const auto n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                              static_cast<utf8proc_ssize_t>(text.size()), &mapped,
                              static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD));
  REQUIRE(n >= 0);
  std::string out(reinterpret_cast<const char*>(mapped), static_cast<std::size_t>(n));
  std::free(mapped);
  for (std::size_t pos = 0; (pos = out.find("ё", pos)) != std::string::npos;) out.replace(pos, 2, "е");
  return out;
}

std::string folded_by_route(const std::string& word) {
  const std::string key = triaged::routing::keyword_key({}, word + "*");
  REQUIRE(!key.empty());
  return key.substr(0, key.size() - 1);
}

}  // namespace

TEST_CASE("every ASCII letter and digit folds as Unicode case folding does", "[routing][fold]") {
  for (utf8proc_int32_t cp = 0x21; cp < 0x7F; ++cp) {
    const auto category = utf8proc_category(cp);
    if (category != UTF8PROC_CATEGORY_LU && category != UTF8PROC_CATEGORY_LL && category != UTF8PROC_CATEGORY_ND)
      continue;
    const std::string word = "x" + utf8(cp) + "Q";
    INFO("U+" << std::hex << cp);
    CHECK(folded_by_route(word) == reference_fold(word));
  }
}

TEST_CASE("every basic Cyrillic letter folds as Unicode case folding does with yo as ye", "[routing][fold]") {
  for (utf8proc_int32_t cp = 0x400; cp <= 0x45F; ++cp) {
    const std::string word = "Д" + utf8(cp) + "я";
    INFO("U+" << std::hex << cp);
    CHECK(folded_by_route(word) == reference_fold(word));
  }
  CHECK(folded_by_route("ЁЛКА") == "елка");
  CHECK(folded_by_route("ПрИвЕт") == "привет");
}

TEST_CASE("a letter with a combining mark is composed before folding", "[routing][fold]") {
  // и + combining breve is й; e + combining acute is é. NFC must compose them, table or not.
  CHECK(folded_by_route("Зайка") == folded_by_route("Заи\u0306ка"));
  CHECK(folded_by_route("Cafe\u0301") == "caf\u00e9");
  CHECK(folded_by_route("ĞÜL") == reference_fold("ĞÜL"));
}

TEST_CASE("ASCII and the Cyrillic block split words where their Unicode categories say", "[routing][fold]") {
  // keyword_key() of a phrase joins its words with spaces: one word when the character in the
  // middle belongs to a word (letter or digit), two when it separates them.
  auto is_word = [](utf8proc_int32_t cp) {
    switch (utf8proc_category(cp)) {
      case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
      case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_MN:
      case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME: case UTF8PROC_CATEGORY_ND:
        return true;
      default:
        return false;
    }
  };
  std::vector<utf8proc_int32_t> characters;
  for (utf8proc_int32_t cp = 0x21; cp < 0x7F; ++cp) characters.push_back(cp);
  for (utf8proc_int32_t cp = 0x400; cp <= 0x48F; ++cp) characters.push_back(cp);
  for (utf8proc_int32_t cp : characters) {
    if (cp == '*') continue;  // a trailing star means a prefix keyword, not a character
    const std::string key = triaged::routing::keyword_key({}, "1" + utf8(cp) + "2");
    INFO("U+" << std::hex << cp << " key " << key);
    CHECK((key.find(' ') == std::string::npos) == is_word(cp));
  }
}
