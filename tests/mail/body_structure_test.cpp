#include <catch2/catch.hpp>

#include "mail_fixtures.h"

using namespace triaged::mail;
using namespace triaged::mail::testing;

TEST_CASE("HTML-only mail is converted to text with entities decoded and scripts dropped") {
  const ParsedMessage m = parse_fixture("html_only.eml");
  CHECK(m.text_from_html);
  CHECK(m.text ==
        "Hello team, I ordered «Blue Kettle» & a lid.\n\n"
        "Code: Заказ 42\nSecond line\nThird line\n\n"
        "- Kettle\n- Lid (glass)\n\n"
        "Thanks,\nMark");
  CHECK_FALSE(contains(m.text, "alert"));
  CHECK_FALSE(contains(m.text, "color"));
  CHECK_FALSE(contains(m.text, "Ignored title"));
}

TEST_CASE("multipart alternative prefers the text plain part") {
  const ParsedMessage m = parse_fixture("alternative.eml");
  CHECK(m.text == "I ordered the red kettle but got a green one.");
  CHECK_FALSE(m.text_from_html);
  CHECK(m.attachments.empty());
}

TEST_CASE("multipart alternative falls back to HTML when the plain part is only whitespace") {
  const ParsedMessage m = parse_fixture("alternative_blank_plain.eml");
  CHECK(m.text == "Only the HTML part has words.");
  CHECK(m.text_from_html);
}

TEST_CASE("nested mixed alternative related mail keeps the plain text and the inline image") {
  const ParsedMessage m = parse_fixture("mixed_alternative_related.eml");
  CHECK(m.text == "The box arrived crushed, photo below.\n\nOrder 8812, sent from the shop's mobile app.");
  CHECK_FALSE(m.text_from_html);
  REQUIRE(m.attachments.size() == 1);
  const Attachment& image = m.attachments[0];
  CHECK(image.filename == "IMG_0042.png");
  CHECK(image.content_type == "image/png");
  CHECK(image.content_id == "photo1@icloud.example");
  CHECK(image.is_inline);
  CHECK(image.size == 70);
  // sha256sum of the 1x1 PNG the fixture carries in base64.
  CHECK(image.sha256 == "497790947d4666760ce38f3c00e852c71fdb66cae849bae8e9ede352719e1581");
  CHECK(image.data.starts_with("\x89PNG"));
}

TEST_CASE("attachments keep decoded bytes and sha256 and a text part marked attachment is not body") {
  const ParsedMessage m = parse_fixture("attachment_pdf.eml");
  CHECK(m.text == "Invoice attached, and the error log from the app.");
  REQUIRE(m.attachments.size() == 2);
  const Attachment& pdf = m.attachments[0];
  CHECK(pdf.filename == "invoice.pdf");
  CHECK(pdf.content_type == "application/pdf");
  CHECK_FALSE(pdf.is_inline);
  CHECK(pdf.size == 96);
  CHECK(pdf.data.starts_with("%PDF-1.4\n"));
  CHECK(pdf.sha256 == "2ae28040e4e65031c0539758fe7314aba92f4616e01013f9ff41eaa6f8d19e37");
  CHECK_FALSE(pdf.dropped);
  const Attachment& log = m.attachments[1];
  CHECK(log.filename == "app.log");
  CHECK(log.content_type == "text/plain");
  CHECK(log.data == "ERROR payment gateway timeout\nERROR retry failed");
  CHECK(log.sha256 == "452b285d1e6a20a6aafe1f20a5c175a2886f8aa87ee1196cfc6c66291d187dcb");
}

TEST_CASE("an attachment over the per-part limit is recorded as dropped with its size") {
  ParseOptions options;
  options.max_attachment_bytes = 50;
  const ParsedMessage m = parse_fixture("attachment_pdf.eml", options);
  REQUIRE(m.attachments.size() == 2);
  const Attachment& pdf = m.attachments[0];
  CHECK(pdf.dropped);
  CHECK(pdf.size == 96);
  CHECK(pdf.data.empty());
  CHECK(pdf.sha256.empty());
  CHECK(pdf.drop_reason == "96 bytes exceeds the 50-byte attachment limit");
  CHECK_FALSE(m.attachments[1].dropped);
  CHECK(any_warning_contains(m, "invoice.pdf"));
  CHECK(m.text == "Invoice attached, and the error log from the app.");
}

TEST_CASE("an attachment that would push the message total over its limit is dropped") {
  ParseOptions options;
  options.max_total_attachment_bytes = 120;
  const ParsedMessage m = parse_fixture("attachment_pdf.eml", options);
  REQUIRE(m.attachments.size() == 2);
  CHECK_FALSE(m.attachments[0].dropped);
  CHECK(m.attachments[1].dropped);
  CHECK(m.attachments[1].size == 48);
  CHECK(m.attachments[1].data.empty());
  CHECK(contains(m.attachments[1].drop_reason, "120-byte limit for all attachments"));
}

TEST_CASE("an RFC 2231 filename with continuations and a charset is decoded") {
  const ParsedMessage m = parse_fixture("rfc2231_filename.eml");
  REQUIRE(m.attachments.size() == 1);
  CHECK(m.attachments[0].filename == "Счёт № 42 für Müller.pdf");
  CHECK(m.attachments[0].sha256 == "2ae28040e4e65031c0539758fe7314aba92f4616e01013f9ff41eaa6f8d19e37");
}

TEST_CASE("a uuencoded part is decoded by GMime") {
  const ParsedMessage m = parse_fixture("uuencode_part.eml");
  CHECK(m.text == "Receipt attached the old way.");
  REQUIRE(m.attachments.size() == 1);
  CHECK(m.attachments[0].data == "Receipt 42: total 1999 RUB, paid by card.\n");
  CHECK(m.attachments[0].sha256 == "cd25c03b5796c95d83a4c18a6c7b2ac0991e2444aaea83422cb96da602c43d08");
}

TEST_CASE("a forwarded message is rendered in the text and kept as an eml attachment") {
  const ParsedMessage m = parse_fixture("forwarded_rfc822.eml");
  CHECK(m.text ==
        "Please handle this one.\n\n"
        "---------- Forwarded message ----------\n"
        "From: Мария <maria@example.ru>\n"
        "Date: Thu, 4 Dec 2026 20:00:00 +0300\n"
        "Subject: Курьер нагрубил\n\n"
        "Курьер нагрубил и отказался поднять заказ на этаж.");
  REQUIRE(m.attachments.size() == 1);
  const Attachment& eml = m.attachments[0];
  CHECK(eml.content_type == "message/rfc822");
  CHECK(eml.filename == "Курьер нагрубил.eml");
  CHECK(contains(eml.data, "Message-ID: <original-777@example.ru>"));
  CHECK(eml.size == eml.data.size());
  CHECK(eml.sha256.size() == 64);
  CHECK_FALSE(m.is_automatic());
}

TEST_CASE("a multipart whose declared boundary never occurs is re-split on the real one") {
  const ParsedMessage m = parse_fixture("broken_boundary.eml");
  CHECK(m.text == "The text customers wrote is still here.");
  REQUIRE(m.attachments.size() == 1);
  CHECK(m.attachments[0].filename == "data.bin");
  CHECK(m.attachments[0].data == std::string("\x00\x01\x02\x03\x04", 5));
  CHECK(any_warning_contains(m, "boundary \"declared-boundary\" never occurs"));
}

TEST_CASE("a multipart without a boundary parameter still yields its text") {
  const ParsedMessage m = parse_fixture("missing_boundary_param.eml");
  CHECK(m.text == "Text inside a multipart without a boundary.");
  CHECK(any_warning_contains(m, "split on \"xyz\""));
}

TEST_CASE("a multipart with no boundary lines at all keeps its content as text") {
  const auto parsed = parse_message(
      "From: a@example.com\nSubject: x\nContent-Type: multipart/mixed; boundary=zzz\n\njust words, no parts\n");
  REQUIRE(parsed.has_value());
  CHECK(parsed->text == "just words, no parts");
}

TEST_CASE("truncated base64 keeps the text and what decodes of the attachment") {
  const ParsedMessage m = parse_fixture("truncated_base64.eml");
  CHECK(m.text == "Привет, скрин во вложении.");
  REQUIRE(m.attachments.size() == 1);
  CHECK(m.attachments[0].filename == "photo.jpg");
  CHECK(m.attachments[0].data.starts_with("\xFF\xD8\xFF\xE0"));
  CHECK_FALSE(m.attachments[0].dropped);
}

TEST_CASE("text over max_text_bytes is cut at a UTF-8 boundary with a warning") {
  ParseOptions options;
  options.max_text_bytes = 26;  // byte 26 is the middle of the "о" in "Посылка"
  const ParsedMessage m = parse_fixture("koi8r_body.eml", options);
  CHECK(m.text == "Добрый день! П");
  CHECK(is_valid_utf8(m.text));
  CHECK(any_warning_contains(m, "cut to 26"));
}

TEST_CASE("HTML over max_html_bytes is cut before conversion with a warning") {
  ParseOptions options;
  options.max_html_bytes = 60;
  const auto parsed = parse_message(
      "From: a@example.com\nSubject: x\nContent-Type: text/html; charset=utf-8\n\n"
      "<p>First paragraph.</p><p>Second paragraph that is beyond the limit.</p>\n",
      options);
  REQUIRE(parsed.has_value());
  CHECK(parsed->text.starts_with("First paragraph."));
  CHECK_FALSE(contains(parsed->text, "limit"));
  CHECK(any_warning_contains(*parsed, "cut to 60 before conversion"));
}

TEST_CASE("several inline text parts are joined with a blank line") {
  const auto parsed = parse_message(
      "From: a@example.com\nSubject: x\nContent-Type: multipart/mixed; boundary=b\n\n"
      "--b\nContent-Type: text/plain\n\nfirst part\n--b\nContent-Type: text/html\n\n<b>second</b> part\n"
      "--b\nContent-Type: text/plain\nContent-Disposition: inline\n\nthird part\n--b--\n");
  REQUIRE(parsed.has_value());
  CHECK(parsed->text == "first part\n\nsecond part\n\nthird part");
}

TEST_CASE("a line of spaces between headers and body separates them") {
  const ParsedMessage m = parse_fixture("separator_line_with_spaces.eml");
  CHECK(m.subject == "spaces on the blank line");
  CHECK(m.text == "The handle of my kettle is loose.");
  CHECK(any_warning_contains(m, "a line of spaces ended the headers"));
}

TEST_CASE("a body that starts right after the headers without a blank line is kept") {
  const ParsedMessage m = parse_fixture("body_without_separator.eml");
  CHECK(m.subject == "no blank line");
  CHECK(m.text == "The handle came off completely today.\nPlease send a new one.");
  CHECK(any_warning_contains(m, "no blank line between the headers and the body"));
}

TEST_CASE("a broken header line followed by more headers is not taken for the body") {
  const auto parsed = parse_message(
      "From: A <a@example.com>\nX-Broken header line\nSubject: still a header\n\nthe body\n");
  REQUIRE(parsed.has_value());
  CHECK(parsed->subject == "still a header");
  CHECK(parsed->text == "the body");
}

TEST_CASE("a text part that carries a file name is the body when the message has no other") {
  const ParsedMessage m = parse_fixture("text_plain_with_filename.eml");
  CHECK(m.text == "Order 3310 arrived without the manual.");
  CHECK(any_warning_contains(m, "\"order.txt\" read as the body"));
  REQUIRE(m.attachments.size() == 2);
  CHECK(m.attachments[0].filename == "order.txt");
  CHECK(m.attachments[1].filename == "box.gif");
}

TEST_CASE("a text part with a file name stays only an attachment when there is a body") {
  const ParsedMessage m = parse_fixture("attachment_pdf.eml");
  CHECK(m.text == "Invoice attached, and the error log from the app.");
  const auto parsed = parse_message(
      "From: a@example.com\nSubject: x\nContent-Type: multipart/mixed; boundary=b\n\n"
      "--b\nContent-Type: text/plain\n\nthe words\n"
      "--b\nContent-Type: text/plain; name=notes.txt\nContent-Disposition: inline; filename=notes.txt\n\nthe file\n--b--\n");
  REQUIRE(parsed.has_value());
  CHECK(parsed->text == "the words");
  REQUIRE(parsed->attachments.size() == 1);
  CHECK(parsed->attachments[0].filename == "notes.txt");
}

TEST_CASE("a message that is one text part named as a file reads that part as its body") {
  const auto parsed = parse_message(
      "From: a@example.com\nSubject: x\nContent-Type: text/plain; charset=utf-8; name=\"note.txt\"\n"
      "Content-Disposition: attachment; filename=\"note.txt\"\n\nthe printer says error 42\n");
  REQUIRE(parsed.has_value());
  CHECK(parsed->text == "the printer says error 42");
}

TEST_CASE("a Content-Type without a subtype is read as text plain with its charset") {
  const ParsedMessage m = parse_fixture("content_type_no_subtype.eml");
  CHECK(m.text == "Курьер оставил посылку у двери.");
  CHECK(m.attachments.empty());
  CHECK(any_warning_contains(m, "Content-Type \"text; charset=utf-8\" is invalid; read as text/plain"));
}

TEST_CASE("an invalid or empty Content-Type is read as text plain") {
  const ParsedMessage m = parse_fixture("content_type_invalid.eml");
  CHECK(m.text == "My refund for order 7001 never came.");
  CHECK(m.attachments.empty());
  const auto empty = parse_message("From: a@example.com\nSubject: x\nContent-Type:\n\nplain words\n");
  REQUIRE(empty.has_value());
  CHECK(empty->text == "plain words");
  const auto quoted = parse_message("From: a@example.com\nSubject: x\nContent-Type: \"text/plain\"; charset=utf-8\n\ngr\xC3\xBCn\n");
  REQUIRE(quoted.has_value());
  CHECK(quoted->text == "grün");
}

TEST_CASE("a multipart Content-Type without a subtype is read as multipart mixed") {
  const auto parsed = parse_message(
      "From: a@example.com\nSubject: x\nContent-Type: multipart; boundary=zz\n\n"
      "--zz\nContent-Type: text/plain\n\nfirst part\n--zz\nContent-Type: image/gif; name=a.gif\n\nGIF89a\n--zz--\n");
  REQUIRE(parsed.has_value());
  CHECK(parsed->text == "first part");
  REQUIRE(parsed->attachments.size() == 1);
  CHECK(parsed->attachments[0].filename == "a.gif");
}

TEST_CASE("an image part without a subtype stays an attachment") {
  const auto parsed = parse_message(
      "From: a@example.com\nSubject: x\nContent-Type: multipart/mixed; boundary=zz\n\n"
      "--zz\nContent-Type: text/plain\n\nsee photo\n--zz\nContent-Type: image; name=a.png\n"
      "Content-Transfer-Encoding: base64\n\niVBORw0KGgo=\n--zz--\n");
  REQUIRE(parsed.has_value());
  CHECK(parsed->text == "see photo");
  REQUIRE(parsed->attachments.size() == 1);
  CHECK(parsed->attachments[0].data.starts_with("\x89PNG"));
}

TEST_CASE("the RFC 2231 filename star parameter wins over a plain filename") {
  const ParsedMessage m = parse_fixture("rfc2231_filename_and_extended.eml");
  REQUIRE(m.attachments.size() == 1);
  CHECK(m.attachments[0].filename == "Rechnung Müller.pdf");
  const auto reversed = parse_message(
      "From: a@example.com\nSubject: x\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nhi\n"
      "--b\nContent-Type: application/pdf; name*=utf-8''%C3%9Cbersicht.pdf; name=\"Ubersicht.pdf\"\n\n%PDF\n--b--\n");
  REQUIRE(reversed.has_value());
  REQUIRE(reversed->attachments.size() == 1);
  CHECK(reversed->attachments[0].filename == "Übersicht.pdf");
}

TEST_CASE("a text enriched body is read as text") {
  const auto parsed = parse_message(
      "From: a@example.com\nSubject: x\nContent-Type: text/enriched\n\n<bold>Order 77</bold> arrived <italic>broken</italic>.\n");
  REQUIRE(parsed.has_value());
  CHECK(parsed->text == "Order 77 arrived broken.");
}

TEST_CASE("a nameless text part marked attachment is the body when there is no other") {
  const auto parsed = parse_message(
      "From: a@example.com\nSubject: x\nContent-Type: multipart/mixed; boundary=b\n\n"
      "--b\nContent-Type: text/plain\nContent-Disposition: attachment\n\nthe words\n--b--\n");
  REQUIRE(parsed.has_value());
  CHECK(parsed->text == "the words");
}

TEST_CASE("an HTML part without a charset label is read in the charset its meta tag names") {
  const auto parsed = parse_message(
      "From: a@example.com\nSubject: x\nContent-Type: text/html\n\n"
      "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=iso-8859-7\"></head>"
      "<body>\xCA\xE1\xEB\xE7\xEC\xDD\xF1\xE1</body></html>\n");
  REQUIRE(parsed.has_value());
  CHECK(parsed->text == "Καλημέρα");
  CHECK(parsed->warnings.empty());
}

TEST_CASE("misspelled transfer encodings are decoded for what they plainly mean") {
  const auto text_of = [](const std::string& encoding, const std::string& body) {
    auto parsed = parse_message("From: a@example.com\nSubject: x\nContent-Type: text/plain; charset=utf-8\n"
                                "Content-Transfer-Encoding: " + encoding + "\n\n" + body + "\n");
    REQUIRE(parsed.has_value());
    return parsed->text;
  };
  CHECK(text_of("base-64", "SGVsbG8gd29ybGQ=") == "Hello world");
  CHECK(text_of("quoted printable", "caf=C3=A9") == "café");
  CHECK(text_of("quoted-printable; x", "caf=C3=A9") == "café");
  CHECK(text_of("8-bit", "caf\xC3\xA9") == "café");
}

TEST_CASE("a MIME part whose body starts without a blank line or without any header keeps its text") {
  const auto text_of = [](const std::string& part) {
    auto parsed = parse_message("From: a@example.com\nSubject: x\nContent-Type: multipart/mixed; boundary=b\n\n--b\n" +
                                part + "--b--\n");
    REQUIRE(parsed.has_value());
    return parsed->text;
  };
  CHECK(text_of("Content-Type: text/plain\nHello from the part\nsecond line\n") == "Hello from the part\nsecond line");
  CHECK(text_of("Content-Type: text/plain\n   \nHello after spaces\n") == "Hello after spaces");
  CHECK(text_of("Hello without part headers\n") == "Hello without part headers");
  CHECK(text_of("Content-Type: text/plain\n\nAn ordinary part\n") == "An ordinary part");
}

TEST_CASE("a named text part found by re-splitting a multipart on its real boundary becomes the body") {
  // The declared boundary lacks the dashes the body uses; the re-split message must outlive
  // the walk, since the body is read from one of its parts at the end.
  std::string raw = read_fixture("text_plain_with_filename.eml");
  const std::string declared = "boundary=\"------------NS4\"";
  REQUIRE(contains(raw, declared));
  raw.replace(raw.find(declared), declared.size(), "boundary=\"----------NS4\"");
  const auto parsed = parse_message(raw);
  REQUIRE(parsed.has_value());
  CHECK(parsed->text == "Order 3310 arrived without the manual.");
  CHECK(any_warning_contains(*parsed, "never occurs"));
}

TEST_CASE("a body line without a blank line before it starts the body even when indented lines follow") {
  const auto parsed = parse_message(
      "From: a@example.com\nSubject: x\nContent-Type: text/plain\nThe handle came off.\n  Please send a new one.\n");
  REQUIRE(parsed.has_value());
  CHECK(parsed->text == "The handle came off.\n  Please send a new one.");
}
