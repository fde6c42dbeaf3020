// keyword_key(): the form `words` matching compares keywords in, as lint uses it.
#include <catch2/catch.hpp>

#include "routing/rule_spec.h"

using triaged::routing::keyword_key;

TEST_CASE("keywords that match the same words have the same key", "[routing][keywords]") {
  const std::vector<std::string> ru_en{"ru", "en"};
  CHECK(keyword_key(ru_en, "возврат") == keyword_key(ru_en, "Возвратом"));
  CHECK(keyword_key(ru_en, "refund") == keyword_key(ru_en, "refunded"));
  CHECK(keyword_key(ru_en, "  Не   привезли ") == keyword_key(ru_en, "не привезли"));
  CHECK(keyword_key(ru_en, "ёлка") == keyword_key(ru_en, "елка"));
}

TEST_CASE("a prefix keyword keys as its folded prefix with a star", "[routing][keywords]") {
  const std::vector<std::string> ru{"ru"};
  CHECK(keyword_key(ru, "Достав*") == "достав*");
  CHECK(keyword_key(ru, "достав*") != keyword_key(ru, "доставка"));
  CHECK(keyword_key(ru, "!!!").empty());
}
