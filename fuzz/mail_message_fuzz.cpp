// parse_message() on any bytes, with the default limits and with tiny ones (so the cutting
// and dropping paths run too): never crashes, and what it returns keeps the header's promises:
// UTF-8 text within max_text_bytes, attachments whose data matches their size. Then the text
// helpers run on its output as the daemon runs them: reply-prefix stripping, ticket tags,
// quote and signature trimming, and html_to_text on the raw bytes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "mail/message.h"

namespace {

using triaged::fuzz::check;
using triaged::fuzz::valid_utf8;
namespace mail = triaged::mail;

void check_text(std::string_view text, const char* what) { check(valid_utf8(text), what, text); }

void check_parsed(const mail::ParsedMessage& m, const mail::ParseOptions& options) {
  check_text(m.subject, "the subject is UTF-8");
  check_text(m.text, "the text is UTF-8");
  check_text(m.text_for_rules, "text_for_rules is UTF-8");
  check_text(m.from.name, "the From name is UTF-8");
  for (const auto& a : m.to) check_text(a.name, "To names are UTF-8");
  for (const auto& a : m.cc) check_text(a.name, "Cc names are UTF-8");
  check(m.text.size() <= options.max_text_bytes, "the text is cut at max_text_bytes");
  for (const auto& [name, value] : m.headers) {
    check_text(value, "header values are UTF-8");
    check(value.size() <= options.max_header_bytes, "header values are cut at max_header_bytes", name);
  }
  std::size_t kept = 0;
  for (const auto& a : m.attachments) {
    check_text(a.filename, "attachment names are UTF-8");
    if (a.dropped) {
      check(a.data.empty(), "a dropped attachment keeps no data");
    } else {
      check(a.data.size() == a.size, "an attachment's size is its data's");
      check(a.size <= options.max_attachment_bytes, "a kept attachment is within max_attachment_bytes");
      kept += a.size;
    }
  }
  check(kept <= options.max_total_attachment_bytes, "kept attachments are within max_total_attachment_bytes");

  const std::string subject = mail::strip_reply_prefixes(m.subject);
  check_text(subject, "strip_reply_prefixes keeps UTF-8");
  check(subject.size() <= m.subject.size(), "strip_reply_prefixes only removes");
  for (const auto& tag : mail::find_ticket_tags(m.subject)) check(!tag.empty(), "a ticket tag is not empty");
  const std::string trimmed = mail::trim_quoted_and_signature(m.text);
  check_text(trimmed, "trim_quoted_and_signature keeps UTF-8");
  check(trimmed.size() <= m.text.size(), "trim_quoted_and_signature only removes");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view raw(reinterpret_cast<const char*>(data), size);

  const mail::ParseOptions defaults;
  if (auto m = mail::parse_message(raw, defaults)) check_parsed(*m, defaults);
  else check(!m.error().reason.empty(), "a ParseError says why");

  mail::ParseOptions tiny;
  tiny.max_attachment_bytes = 64;
  tiny.max_total_attachment_bytes = 100;
  tiny.max_text_bytes = 48;
  tiny.max_html_bytes = 128;
  tiny.max_header_bytes = 16;
  if (auto m = mail::parse_message(raw, tiny)) check_parsed(*m, tiny);

  const std::string text = mail::html_to_text(raw, 256);
  check_text(text, "html_to_text gives UTF-8");
  check(text.size() <= 256, "html_to_text keeps to max_bytes");
  return 0;
}
