#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "identity/normalize.h"

// Failures print the value instead of {?}.
namespace Catch {
template <>
struct StringMaker<std::optional<std::string>> {
  static std::string convert(const std::optional<std::string>& value) {
    return value ? "\"" + *value + "\"" : std::string("nullopt");
  }
};
}  // namespace Catch

using triaged::identity::normalize_email;
using triaged::identity::normalize_phone;

namespace {

constexpr std::string_view kIvanMobile = "+79161234567";

struct Spelling {
  std::string raw;
  std::optional<std::string> expected;
};

struct RegionalSpelling {
  std::string raw;
  std::string region;
  std::optional<std::string> expected;
};

}  // namespace

TEST_CASE("Russian mobile written in everyday ways normalises to one E.164 number", "[identity][phone]") {
  const std::vector<std::string> spellings = {
      "+79161234567",
      "89161234567",
      "79161234567",
      "9161234567",
      "8 916 123-45-67",
      "+7 (916) 123-45-67",
      "7-916-123-45-67",
      "916 123 45 67",
      "8(916)1234567",
      "8 (916) 123 45 67",
      "+7 916 123 45 67",
      "+7-916-123-45-67",
      "+7(916)123-45-67",
      "8-916-1234567",
      "(916) 123-45-67",
      "+ 7 916 123 45 67",
      "8.916.123.45.67",
      "  8 916 123 45 67  ",
      "+7\u00A0916\u00A0123\u00A045\u00A067",
      "+7\u202F916\u202F123\u202F45\u202F67",
      "8\u00A0(916)\u00A0123\u201345\u201367",
      "8 916 123\u201145\u201167",
      "тел. 8 916 123-45-67",
      "Тел.: +7 (916) 123-45-67",
      "tel:+79161234567",
      "Phone: +7 916 123 45 67",
      "моб. 8-916-123-45-67",
      "Телефон: 8 916 1234567.",
      "8 916 123 45 67 (мобильный)",
      "8 916 123 45 67 Иван",
      "8\t916\t123\t45\t67",
  };
  for (const std::string& raw : spellings) {
    CAPTURE(raw);
    CHECK(normalize_phone(raw) == std::optional<std::string>(kIvanMobile));
  }
  CHECK(spellings.size() >= 25);
}

TEST_CASE("an extension after the number is dropped", "[identity][phone]") {
  const std::vector<std::string> spellings = {
      "8 916 123-45-67 доб. 123",
      "8 916 123 45 67 Доб. 42",
      "+7 (916) 123-45-67, доб. 5",
      "+7 916 123 45 67 ext 12",
      "+7 916 123 45 67 ext. 12",
      "+7 916 123 45 67 EXT:12",
      "8 916 123 45 67x12",
      "8 916 123 45 67 #300",
      "8 (916) 123-45-67 вн. 7",
      "8 (916) 123-45-67 (доп. 7)",
      "8 916 123 45 67 добавочный 1234",
  };
  for (const std::string& raw : spellings) {
    CAPTURE(raw);
    CHECK(normalize_phone(raw) == std::optional<std::string>(kIvanMobile));
  }
}

TEST_CASE("garbage and ambiguous phone strings are rejected", "[identity][phone]") {
  const std::vector<std::string> rejected = {
      "",
      "   ",
      "тел.",
      "не помню",
      "123-45-67",                            // local number without an area code
      "8 916 123 45 6",                       // one digit missing
      "916 123 45 6",                         // one digit missing
      "8 916 123 45 678",                     // one digit too many
      "8 9I6 123 45 67",                      // capital I for 1
      "8916abc4567",                          // letters inside the digits
      "8916123456 7abc",                      // letters glued to the end
      "тел8 916 123 45 67",                   // letters glued to the start
      "8 916 123 45 67, 8 916 765 43 21",     // two numbers
      "8 916 123 45 67 / 8 495 123 45 67",    // two numbers
      "+7 916 123 45 67 +7 916 765 43 21",    // two numbers
      "8 916 123 45 67 8 916 765 43 21",      // two numbers run together
      "ул. Ленина 5 тел. 8 916 123 45 67",    // a digit in the surrounding text
      "8 000 000 00 00",                      // placeholder
      "+7 999 999 99 99",                     // placeholder
      "+7 123 456 78 90",                     // no +7 number starts with 1
      "+7 916 123 45 6",                      // +7 needs exactly 11 digits
      "8 (916 123 45 67",                     // unbalanced parenthesis
      "8 916) 123 45 67",                     // unbalanced parenthesis
      "8 ((916)) 123 45 67",                  // nested parentheses
      "+1234567",                             // 7 digits: below E.164 plausibility
      "+1234567890123456",                    // 16 digits: above E.164 maximum
      "+0 916 123 45 67",                     // no country code starts with 0
      "00 7 916 123 45 67",                   // international prefix instead of +
      "8 10 44 20 7946 0958",                 // Russian international prefix
      "8 916 123 45 67 доб. 1234567",         // extension too long to be one
      "8 916 123 45 67 доб. 12 34",           // digits after the extension
  };
  for (const std::string& raw : rejected) {
    CAPTURE(raw);
    CHECK(normalize_phone(raw) == std::nullopt);
  }
}

TEST_CASE("near misses normalise to a different number than the real one", "[identity][phone]") {
  const std::vector<std::string> others = {
      "8 916 123 45 76",     // swapped digits
      "8 926 123 45 67",     // other operator code
      "+8 916 123 45 67",    // +8 is not +7
      "8 495 123 45 67",     // Moscow landline
      "+7 727 123 45 67",    // Kazakhstan
      "+380 916 123 45 67",  // same digits under another country code
  };
  for (const std::string& raw : others) {
    CAPTURE(raw);
    const std::optional<std::string> normalised = normalize_phone(raw);
    CHECK(normalised.has_value());
    CHECK(normalised != std::optional<std::string>(kIvanMobile));
  }
}

TEST_CASE("foreign numbers are accepted only when written with a plus", "[identity][phone]") {
  const std::vector<RegionalSpelling> table = {
      {"+44 20 7946 0958", "RU", "+442079460958"},
      {"+49 (30) 1234-5678", "RU", "+493012345678"},
      {"+1 (415) 555-2671", "RU", "+14155552671"},
      {"+1.415.555.2671", "RU", "+14155552671"},
      {"+380 44 123 4567", "RU", "+380441234567"},
      {"+375 29 123-45-67", "RU", "+375291234567"},
      {"+7 727 123 45 67", "RU", "+77271234567"},
      {"+86 138 0013 8000", "RU", "+8613800138000"},
      {"+1 415 555 2671", "US", "+14155552671"},
      {"44 20 7946 0958", "RU", std::nullopt},
      {"(415) 555-2671", "US", std::nullopt},
      {"8 916 123 45 67", "DE", std::nullopt},
      {"+7 916 123 45 67", "DE", "+79161234567"},
  };
  for (const RegionalSpelling& row : table) {
    CAPTURE(row.raw, row.region);
    CHECK(normalize_phone(row.raw, row.region) == row.expected);
  }
}

TEST_CASE("Moscow landlines and toll-free numbers normalise like mobiles", "[identity][phone]") {
  const std::vector<Spelling> table = {
      {"8 (495) 123-45-67", "+74951234567"},
      {"495 123-45-67", "+74951234567"},
      {"+7 495 123 45 67", "+74951234567"},
      {"8 800 555-35-35", "+78005553535"},
      {"7 800 555 35 35", "+78005553535"},
      {"800 555 35 35", std::nullopt},  // bare 8xx reads as a mobile missing a digit
  };
  for (const Spelling& row : table) {
    CAPTURE(row.raw);
    CHECK(normalize_phone(row.raw) == row.expected);
  }
}

TEST_CASE("email addresses normalise to one case-folded ASCII-domain form", "[identity][email]") {
  const std::vector<Spelling> table = {
      {"ivan@example.ru", "ivan@example.ru"},
      {"  Ivan@Example.RU \t", "ivan@example.ru"},
      {"IVAN@EXAMPLE.RU", "ivan@example.ru"},
      {"\u00A0ivan@example.ru\u00A0", "ivan@example.ru"},
      {"Иван Петров <Ivan.Petrov@Example.ru>", "ivan.petrov@example.ru"},
      {"\"Петров, Иван\" <ivan@example.ru>", "ivan@example.ru"},
      {"<IVAN@EXAMPLE.RU>", "ivan@example.ru"},
      {"Ivan < ivan@example.ru >", "ivan@example.ru"},
      {"mailto:ivan@example.ru", "ivan@example.ru"},
      {"ivan@mail.example.co.uk", "ivan@mail.example.co.uk"},
      {"o'brien@example.ie", "o'brien@example.ie"},
      {"info@пример.рф", "info@xn--e1afmkfd.xn--p1ai"},
      {"info@ПРИМЕР.РФ", "info@xn--e1afmkfd.xn--p1ai"},
      {"Info@XN--E1AFMKFD.XN--P1AI", "info@xn--e1afmkfd.xn--p1ai"},
      {"Иван@Пример.РФ", "иван@xn--e1afmkfd.xn--p1ai"},
      {"Магазин <Заказ@магазин.рф>", "заказ@xn--80aairftm.xn--p1ai"},
      {"hans@straße.de", "hans@xn--strae-oqa.de"},
  };
  for (const Spelling& row : table) {
    CAPTURE(row.raw);
    CHECK(normalize_email(row.raw) == row.expected);
  }
}

TEST_CASE("plus tags and dots in the local part are kept", "[identity][email]") {
  CHECK(normalize_email("Ivan+Shop@Example.ru") == std::optional<std::string>("ivan+shop@example.ru"));
  CHECK(normalize_email("i.van@gmail.com") == std::optional<std::string>("i.van@gmail.com"));
  CHECK(normalize_email("i.van@gmail.com") != normalize_email("ivan@gmail.com"));
  CHECK(normalize_email("ivan+shop@example.ru") != normalize_email("ivan@example.ru"));
}

TEST_CASE("malformed email addresses are rejected", "[identity][email]") {
  const std::vector<std::string> rejected = {
      "",
      "   ",
      "ivan",
      "ivan@",
      "@example.ru",
      "ivan@@example.ru",
      "ivan@petrov@example.ru",
      "ivan petrov@example.ru",
      "ivan\u00A0petrov@example.ru",
      "ivan@exa mple.ru",
      "ivan@example",
      "ivan@localhost",
      "ivan@example..ru",
      "ivan@.example.ru",
      "ivan@example.ru.",
      ".ivan@example.ru",
      "ivan.@example.ru",
      "ivan..petrov@example.ru",
      "ivan@-example.ru",
      "ivan@exam_ple.ru",
      "\"ivan petrov\"@example.ru",
      "Ivan <ivan@example.ru",
      "ivan@example.ru>",
      "Ivan <ivan@example.ru> extra",
      "<a@example.ru> <b@example.ru>",
      "a@example.ru, b@example.ru",
      "ivan@example.ru\r\nBcc: x@example.ru",
      std::string(65, 'a') + "@example.ru",
      "ivan@" + std::string(250, 'a') + ".ru",
      "ivan@\xFF\xFE.ru",
      "iv\xC3" "an@example.ru",
  };
  for (const std::string& raw : rejected) {
    CAPTURE(raw);
    CHECK(normalize_email(raw) == std::nullopt);
  }
}
