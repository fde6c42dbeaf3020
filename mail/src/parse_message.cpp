// parse_message: GMime does the parsing; this file picks the parser options (charset guesses
// for raw 8-bit headers), reads the envelope headers and hands the body to body_walker.
#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "automatic_mail.h"
#include "body_walker.h"
#include "charset_guess.h"
#include "gmime_support.h"
#include "mail/message.h"
#include "message_headers.h"
#include "part_headers.h"
#include "raw_repair.h"
#include "text_utf8.h"

namespace triaged::mail {
namespace {

using detail::clean_utf8;
using detail::unfold_header_value;

// GMime tries each fallback charset in turn on undeclared 8-bit header bytes and keeps the
// first that converts; windows-1251 converts nearly anything, so the best candidate has to
// come first: `preferred` (a charset the message declares) if given, else our guess.
std::vector<std::string> header_fallback_charsets(std::string_view raw, const std::string& preferred,
                                                  std::vector<std::string>& warnings) {
  std::vector<std::string> charsets = {"utf-8"};
  const std::string_view headers = detail::header_block(raw);
  if (!detail::is_valid_utf8(headers)) {
    if (!preferred.empty()) {
      warnings.push_back("undeclared 8-bit bytes in the headers; read as " + preferred +
                         ", a charset the message declares");
      charsets.push_back(preferred);
    } else if (std::string guess = detail::guess_charset(headers); !guess.empty()) {
      warnings.push_back("undeclared 8-bit bytes in the headers; guessed " + guess);
      charsets.push_back(std::move(guess));
    } else {
      // CJK or other bytes no guess reads: UTF-8 alone makes GMime show each bad byte as "?",
      // honest where any fallback below would be confident mojibake.
      warnings.emplace_back("undeclared 8-bit bytes in the headers fit no charset; shown as ?");
      return charsets;
    }
  }
  for (const char* charset : {"windows-1251", "koi8-r", "windows-1252", "iso-8859-1"}) charsets.emplace_back(charset);
  return charsets;
}

// The boundary of every multipart GMime found, outermost first.
std::vector<std::string> multipart_boundaries(GMimeMessage* message) {
  std::vector<std::string> boundaries;
  if (GMimeObject* root = g_mime_message_get_mime_part(message); root != nullptr && GMIME_IS_MULTIPART(root)) {
    if (const char* boundary = g_mime_object_get_content_type_parameter(root, "boundary")) boundaries.emplace_back(boundary);
  }
  g_mime_message_foreach(
      message,
      [](GMimeObject*, GMimeObject* part, gpointer data) {
        if (!GMIME_IS_MULTIPART(part)) return;
        const char* boundary = g_mime_object_get_content_type_parameter(part, "boundary");
        auto* found = static_cast<std::vector<std::string>*>(data);
        if (boundary != nullptr && *boundary != '\0' && std::ranges::find(*found, boundary) == found->end()) {
          found->emplace_back(boundary);
        }
      },
      &boundaries);
  return boundaries;
}

bool is_charset_token(std::string_view name) {
  return !name.empty() && name.size() <= 40 && std::ranges::all_of(name, [](char c) {
    return g_ascii_isalnum(c) || c == '-' || c == '_' || c == '.' || c == ':';
  });
}

// The charsets the message declares: its text parts' labels in order, then those of the RFC
// 2047 words in its header block; lower case, without repeats, without UTF-8 and ASCII (which
// are tried anyway). A mail program writes raw 8-bit headers and unlabelled parts in the
// charset it declares elsewhere.
std::vector<std::string> sender_charsets(GMimeMessage* message, std::string_view raw) {
  constexpr std::size_t kMax = 8;
  std::vector<std::string> charsets;
  const auto add = [&](std::string_view label) {
    std::string name = detail::ascii_lower(detail::trim(label));
    if (!is_charset_token(name) || charsets.size() >= kMax) return;
    const std::string canonical = detail::ascii_lower(detail::iconv_charset(name));
    if (canonical.empty() || canonical == "utf-8" || canonical == "utf8" || canonical == "us-ascii" ||
        canonical == "ascii" || canonical == "ansi_x3.4-1968") {
      return;
    }
    if (std::ranges::find(charsets, name) == charsets.end()) charsets.push_back(std::move(name));
  };
  std::vector<std::string> labels;
  g_mime_message_foreach(
      message,
      [](GMimeObject*, GMimeObject* part, gpointer data) {
        if (!GMIME_IS_PART(part)) return;
        GMimeContentType* type = g_mime_object_get_content_type(part);
        if (type == nullptr || g_ascii_strcasecmp(g_mime_content_type_get_media_type(type), "text") != 0) return;
        if (std::string label = detail::charset_label(part); !label.empty()) {
          static_cast<std::vector<std::string>*>(data)->push_back(std::move(label));
        }
      },
      &labels);
  for (const auto& label : labels) add(label);
  const std::string_view headers = detail::header_block(raw);
  for (std::size_t at = headers.find("=?"); at != std::string_view::npos; at = headers.find("=?", at + 2)) {
    const std::size_t end = headers.find('?', at + 2);
    if (end == std::string_view::npos) break;
    const std::string_view charset = headers.substr(at + 2, end - at - 2);
    add(charset.substr(0, charset.find('*')));  // RFC 2231 language suffix: "utf-8*en"
  }
  return charsets;
}

std::optional<std::chrono::system_clock::time_point> date_of(GMimeMessage* message) {
  GDateTime* date = g_mime_message_get_date(message);
  if (date == nullptr) return std::nullopt;
  const gint64 unix_seconds = g_date_time_to_unix(date);
  // system_clock counts nanoseconds in 64 bits: about 1678..2262. A date outside is garbage.
  constexpr gint64 kLimit = 9'000'000'000;
  if (unix_seconds < -kLimit || unix_seconds > kLimit) return std::nullopt;
  const auto seconds = std::chrono::seconds(unix_seconds);
  const auto micros = std::chrono::microseconds(g_date_time_get_microsecond(date));
  return std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(seconds + micros));
}

void read_envelope(GMimeMessage* message, GMimeParserOptions* parser_options, ParsedMessage& out) {
  auto* object = GMIME_OBJECT(message);
  out.message_id = detail::message_id_of(message);
  const std::vector<std::string> in_reply_to =
      detail::parse_message_ids(parser_options, g_mime_object_get_header(object, "In-Reply-To"));
  if (!in_reply_to.empty()) out.in_reply_to = in_reply_to.front();
  out.references = detail::parse_message_ids(parser_options, g_mime_object_get_header(object, "References"));
  if (const char* subject = g_mime_message_get_subject(message)) {
    out.subject = unfold_header_value(clean_utf8(subject));
  }
  std::vector<Address> from = detail::read_addresses(g_mime_message_get_from(message));
  if (const char* raw_from = detail::first_raw_header(object, "From")) {
    if (std::optional<Address> unbracketed = detail::unbracketed_first_mailbox(parser_options, raw_from)) {
      out.warnings.push_back("From address without angle brackets: \"" + unfold_header_value(clean_utf8(raw_from)) + "\"");
      from.insert(from.begin(), std::move(*unbracketed));
    } else if (!detail::has_usable_address(from)) {
      std::vector<Address> salvaged = detail::salvage_addresses(parser_options, raw_from);
      if (detail::has_usable_address(salvaged)) {
        out.warnings.push_back("From header malformed: \"" + unfold_header_value(clean_utf8(raw_from)) + "\"");
        from = std::move(salvaged);
      }
    }
  }
  // The first mailbox with a usable address: "Petrov, Ivan <ivan@example.ru>" (an unquoted
  // comma) reads as "Petrov" and "Ivan <ivan@example.ru>".
  const auto usable = std::ranges::find_if(from, detail::is_usable_address);
  if (usable != from.end() && usable != from.begin()) std::rotate(from.begin(), usable, usable + 1);
  if (from.empty() || from.front().address.empty()) {
    std::vector<Address> sender = detail::read_addresses(g_mime_message_get_sender(message));
    if (!sender.empty()) from = std::move(sender);
  }
  if (!from.empty()) out.from = from.front();
  const std::vector<Address> reply_to = detail::read_addresses(g_mime_message_get_reply_to(message));
  if (!reply_to.empty()) out.reply_to = reply_to.front();
  out.to = detail::read_addresses(g_mime_message_get_to(message));
  out.cc = detail::read_addresses(g_mime_message_get_cc(message));
  out.date = date_of(message);
}

// A group that is the support mailbox and rewrites From to itself ("'Ann' via Support"
// <support@shop.example>, as Google Groups does for DMARC) keeps the person in
// X-Original-From or Reply-To: that is the sender.
void restore_list_sender(GMimeParserOptions* parser_options, const ParseOptions& options, ParsedMessage& message) {
  if (detail::ascii_lower(message.from.address) != detail::ascii_lower(detail::trim(options.mailbox))) return;
  if (!detail::from_own_list(message, options)) return;
  Address original;
  if (const auto it = message.headers.find("x-original-from"); it != message.headers.end()) {
    const auto parsed = detail::salvage_addresses(parser_options, it->second);
    if (!parsed.empty()) original = parsed.front();
  }
  if (!detail::is_usable_address(original)) original = message.reply_to;
  if (!detail::is_usable_address(original)) return;
  message.warnings.push_back("From is the list itself (" + message.from.address + "); the sender is read from " +
                             (original.address == message.reply_to.address ? "Reply-To" : "X-Original-From"));
  message.from = original;
}

}  // namespace

std::expected<ParsedMessage, ParseError> parse_message(std::string_view raw, const ParseOptions& options) {
  detail::ensure_gmime_initialised();
  if (detail::is_blank(raw)) return std::unexpected(ParseError{"empty message"});

  ParsedMessage parsed;
  const std::optional<std::string> repaired = detail::repaired_for_gmime(raw, parsed.warnings);
  if (repaired) raw = *repaired;

  std::vector<std::string> header_warnings;
  detail::ParserOptionsPtr parser_options =
      detail::make_parser_options(header_fallback_charsets(raw, {}, header_warnings));
  detail::GObjectPtr<GMimeMessage> message = detail::construct_message(raw, parser_options.get());
  if (!message) return std::unexpected(ParseError{"GMime found no message in the input"});
  std::optional<std::string> parts_repaired;
  if (const std::vector<std::string> boundaries = multipart_boundaries(message.get()); !boundaries.empty()) {
    parts_repaired = detail::repaired_part_headers(raw, boundaries, parsed.warnings);
    if (parts_repaired) {
      raw = *parts_repaired;
      message = detail::construct_message(raw, parser_options.get());
      if (!message) return std::unexpected(ParseError{"GMime found no message in the input"});
    }
  }
  const std::vector<std::string> declared_charsets = sender_charsets(message.get(), raw);
  if (!header_warnings.empty()) {
    // Raw 8-bit headers: read them in a charset the message declares when one fits.
    const std::string body_charset = detail::first_clean_charset(detail::header_block(raw), declared_charsets);
    if (!body_charset.empty() && !header_warnings.front().ends_with("guessed " + body_charset)) {
      header_warnings.clear();
      parser_options = detail::make_parser_options(header_fallback_charsets(raw, body_charset, header_warnings));
      message = detail::construct_message(raw, parser_options.get());
      if (!message) return std::unexpected(ParseError{"GMime found no message in the input"});
    }
  }
  parsed.warnings.insert(parsed.warnings.end(), header_warnings.begin(), header_warnings.end());

  parsed.headers = detail::read_header_map(GMIME_OBJECT(message.get()), options.max_header_bytes);
  read_envelope(message.get(), parser_options.get(), parsed);
  const detail::BodyFindings findings = detail::walk_body(message.get(), parser_options.get(), options, declared_charsets, parsed);
  if (parsed.headers.empty() && detail::is_blank(parsed.text) && parsed.attachments.empty()) {
    return std::unexpected(ParseError{"no header and no readable body"});
  }
  restore_list_sender(parser_options.get(), options, parsed);
  detail::classify_automatic(findings, options, parsed);
  parsed.text_for_rules = trim_quoted_and_signature(parsed.text);
  return parsed;
}

}  // namespace triaged::mail
