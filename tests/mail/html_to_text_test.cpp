#include <catch2/catch.hpp>

#include "mail_fixtures.h"

using namespace triaged::mail;
using namespace triaged::mail::testing;

TEST_CASE("html_to_text turns blocks into lines and collapses whitespace") {
  CHECK(html_to_text("<div>one</div><div>two</div>\n\n   <p>three\n   four</p>") == "one\ntwo\n\nthree four");
}

TEST_CASE("html_to_text keeps link text and drops head and style and script") {
  CHECK(html_to_text("<html><head><title>T</title><style>a{}</style></head><body>"
                     "Track <a href=\"https://t.example/1\">your parcel</a> here.<script>x()</script>"
                     "<noscript>enable js</noscript></body></html>") == "Track your parcel here.");
}

TEST_CASE("html_to_text renders nested lists with indented dashes") {
  CHECK(html_to_text("<ul><li>a<ul><li>a1</li><li>a2</li></ul></li><li>b</li></ul><p>after</p>") ==
        "- a\n  - a1\n  - a2\n- b\n\nafter");
}

TEST_CASE("html_to_text decodes named and numeric entities") {
  CHECK(html_to_text("&laquo;&#1047;&#x430;&raquo; &amp; &lt;tag&gt; a&nbsp;b") == "«За» & <tag> a b");
}

TEST_CASE("html_to_text copes with tag soup") {
  CHECK(html_to_text("<p>unclosed <b>bold <i>italic</p><p>next") == "unclosed bold italic\n\nnext");
  CHECK(html_to_text("").empty());
  CHECK(html_to_text("<br><br>").empty());
}

TEST_CASE("html_to_text keeps preformatted line breaks") {
  CHECK(html_to_text("<pre>line 1\nline 2</pre>") == "line 1\nline 2");
}

TEST_CASE("html_to_text caps its output at a UTF-8 boundary") {
  const std::string text = html_to_text("<p>Привет мир</p>", 7);
  CHECK(text == "При");
  CHECK(is_valid_utf8(text));
}

TEST_CASE("html_to_text renders blockquotes as quoted lines that the reply trimmer removes") {
  const std::string html =
      "<div dir=\"ltr\">Номер заказа 12345678</div><br><div class=\"gmail_quote\">"
      "<div class=\"gmail_attr\">пн, 30 нояб. 2026 г. в 12:00, Магазин &lt;support@shop.example&gt;:<br></div>"
      "<blockquote class=\"gmail_quote\"><div>Нам не хватает данных:</div><p>номер заказа</p>"
      "<blockquote>older</blockquote></blockquote></div>";
  const std::string text = html_to_text(html);
  CHECK(text ==
        "Номер заказа 12345678\n\nпн, 30 нояб. 2026 г. в 12:00, Магазин <support@shop.example>:\n>\n"
        "> Нам не хватает данных:\n>\n> номер заказа\n>>\n>> older");
  CHECK(trim_quoted_and_signature(text) == "Номер заказа 12345678");
}
