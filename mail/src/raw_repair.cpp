#include "raw_repair.h"

#include <glib.h>
#include <gmime/gmime.h>

#include <algorithm>
#include <array>
#include <set>
#include <unordered_set>

#include "charset_guess.h"
#include "encoded_word_repair.h"
#include "text_utf8.h"

namespace triaged::mail::detail {
namespace {

// Fields RFC 5322 and RFC 2045 allow once, whose repeats GMime reads differently from mail
// clients (the last instead of the first). To and Cc are left alone: GMime joins repeated
// address lists, which loses no recipient.
constexpr std::array<std::string_view, 13> kSingleFields = {
    "date", "from", "sender", "reply-to", "message-id", "in-reply-to", "references", "subject", "mime-version",
    "content-type", "content-transfer-encoding", "content-disposition", "content-id"};

// "Name:" (optionally "Name :"), the field name printable ASCII without a colon; the lower-case
// name, or "" when the line is not a header field.
std::string field_name(std::string_view line) {
  std::size_t i = 0;
  while (i < line.size() && line[i] > ' ' && line[i] < 0x7F && line[i] != ':') ++i;
  if (i == 0) return {};
  std::size_t colon = i;
  while (colon < line.size() && (line[colon] == ' ' || line[colon] == '\t')) ++colon;
  if (colon >= line.size() || line[colon] != ':') return {};
  return ascii_lower(line.substr(0, i));
}

bool is_continuation(std::string_view line) { return !line.empty() && (line[0] == ' ' || line[0] == '\t'); }

// The line starting at `at`, with its "\n" (if any).
std::string_view line_at(std::string_view text, std::size_t at) {
  const std::size_t end = text.find('\n', at);
  return text.substr(at, end == std::string_view::npos ? text.size() - at : end - at + 1);
}

std::string_view without_line_end(std::string_view line) {
  if (line.ends_with('\n')) line.remove_suffix(1);
  if (line.ends_with('\r')) line.remove_suffix(1);
  return line;
}

bool is_header_start(std::string_view text) {
  const std::string_view line = without_line_end(line_at(text, 0));
  return !field_name(line).empty() || line.starts_with("From ");
}

// Whether `text` starts a real message header block: its first three lines are header fields
// (or continuations), and one of its first 50 lines is a field every message has.
bool starts_header_block(std::string_view text) {
  constexpr std::array<std::string_view, 10> kMessageFields = {
      "from", "to", "subject", "date", "message-id", "received", "return-path", "mime-version",
      "content-type", "delivered-to"};
  bool known = false;
  std::size_t at = 0;
  for (int line_number = 0; line_number < 50 && at < text.size(); ++line_number) {
    const std::string_view line = line_at(text, at);
    const std::string_view content = without_line_end(line);
    if (content.empty()) break;
    const std::string name = field_name(content);
    if (line_number < 3 && name.empty() && !(line_number > 0 && is_continuation(content))) return false;
    known = known || std::ranges::find(kMessageFields, name) != kMessageFields.end();
    at += line.size();
  }
  return known;
}

// A BOM, whitespace, and up to five lines of something else (an Outlook "Microsoft Mail
// Internet Headers Version 2.0" title, a stray boundary) before the real header block: all
// removed.
std::string_view skip_leading_noise(std::string_view raw, std::vector<std::string>& warnings) {
  if (raw.starts_with("\xEF\xBB\xBF")) {
    raw.remove_prefix(3);
    warnings.emplace_back("a UTF-8 byte order mark before the headers was ignored");
  }
  const std::size_t first = raw.find_first_not_of(" \t\r\n");
  if (first != 0 && first != std::string_view::npos && is_header_start(raw.substr(first))) {
    raw.remove_prefix(first);
    warnings.emplace_back("whitespace before the first header was ignored");
  }
  if (first == std::string_view::npos || is_header_start(raw)) return raw;
  std::size_t at = 0;
  for (int skipped = 1; skipped <= 5 && at < raw.size(); ++skipped) {
    at += line_at(raw, at).size();
    const std::string_view rest = raw.substr(std::min(raw.find_first_not_of(" \t\r\n", at), raw.size()));
    if (!rest.empty() && starts_header_block(rest)) {
      warnings.push_back(std::to_string(skipped) + (skipped == 1 ? " line" : " lines") +
                         " before the first header ignored");
      return rest;
    }
  }
  return raw;
}

// True when the first line break is a CR that neither LF nor CR LF follows.
bool uses_cr_only(std::string_view raw) {
  const std::size_t end = raw.find_first_of("\r\n");
  if (end == std::string_view::npos || raw[end] != '\r') return false;
  const std::string_view rest = raw.substr(end + 1);
  return !rest.starts_with('\n') && !rest.starts_with("\r\n");
}

// True when the first line break is CR CR LF (a gateway that turned LF into CRLF twice).
bool uses_cr_cr_lf(std::string_view raw) {
  const std::size_t end = raw.find_first_of("\r\n");
  return end != std::string_view::npos && raw.substr(end).starts_with("\r\r\n");
}

std::string without_doubled_cr(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '\r' && raw.substr(i).starts_with("\r\r\n")) continue;
    out += raw[i];
  }
  return out;
}

std::string cr_to_lf(std::string_view raw) {
  std::string out(raw);
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (out[i] == '\r' && (i + 1 == out.size() || out[i + 1] != '\n')) out[i] = '\n';
  }
  return out;
}

// "Content-Type: multipart; boundary=x" with "multipart/mixed" in its place; nullopt for any
// other line. GMime reads a type without a subtype as application/octet-stream, and a message's
// parts cannot be recovered from that.
std::optional<std::string> multipart_with_subtype(std::string_view line) {
  const std::size_t colon = line.find(':');
  std::size_t at = line.find_first_not_of(" \t", colon + 1);
  if (at == std::string_view::npos || ascii_lower(line.substr(at, 9)) != "multipart") return std::nullopt;
  const std::size_t after = line.find_first_not_of(" \t", at + 9);
  if (after != std::string_view::npos && line[after] != ';' && line[after] != '\r' && line[after] != '\n') {
    return std::nullopt;
  }
  return std::string(line.substr(0, at + 9)) + "/mixed" + std::string(line.substr(at + 9));
}

// The header block rewritten: repeated single fields dropped, a multipart type without a
// subtype named multipart/mixed, a line of spaces or a body line without a blank line before
// it turned into a proper separator. nullopt when it needs none of that.
// With `part`, `text` starts a MIME part, whose header block may be missing altogether: a
// first line that is no header starts its body.
std::optional<std::string> repair_header_block(std::string_view text, std::vector<std::string>& warnings,
                                               bool part = false) {
  std::string out;
  out.reserve(text.size() + 2);
  std::set<std::string> seen;
  std::set<std::string> reported;
  bool dropping = false;  // inside a repeated field being dropped, continuation lines included
  bool changed = false;
  std::size_t at = 0;
  while (at < text.size()) {
    const std::string_view line = line_at(text, at);
    const std::string_view content = without_line_end(line);
    const std::string_view next = without_line_end(line_at(text, at + line.size()));
    const bool next_is_header = !field_name(next).empty() || is_continuation(next);
    if (content.empty()) break;  // the separator: the block is over
    if (is_continuation(content)) {
      if (trim(content).empty() && at + line.size() < text.size() && !next_is_header && !trim(next).empty()) {
        warnings.emplace_back("a line of spaces ended the headers; read as the blank line before the body");
        out += line.ends_with("\r\n") ? "\r\n" : "\n";
        at += line.size();
        changed = true;
        break;
      }
      if (!dropping) out.append(line);
      changed = changed || dropping;
      at += line.size();
      continue;
    }
    const std::string name = field_name(content);
    if (name.empty() && (part || !(at == 0 && content.starts_with("From ")))) {
      // Prose from the first line on is not a message at all; GMime says so. A part may be.
      // A broken header line among others (a field follows it; GMime skips it), or the first.
      if (!field_name(next).empty() || (at == 0 && !part)) {
        out.append(line);
        at += line.size();
        continue;
      }
      warnings.emplace_back("no blank line between the headers and the body; the body starts at the first line that is not a header");
      out += line.ends_with("\r\n") ? "\r\n" : "\n";
      changed = true;
      break;
    }
    dropping = std::ranges::find(kSingleFields, name) != kSingleFields.end() && !seen.insert(name).second;
    if (!dropping && name == "content-type") {
      if (std::optional<std::string> fixed = multipart_with_subtype(line)) {
        warnings.emplace_back("Content-Type multipart without a subtype; read as multipart/mixed");
        out += *fixed;
        changed = true;
        at += line.size();
        continue;
      }
    }
    if (dropping) {
      if (reported.insert(name).second) {
        warnings.push_back("repeated " + std::string(content.substr(0, content.find(':'))) +
                           " header ignored; the first one is read");
      }
      changed = true;
    } else {
      out.append(line);
    }
    at += line.size();
  }
  if (!changed) return std::nullopt;
  out.append(text.substr(at));
  return out;
}

// The message's header block with each RFC 2047 word's charset that iconv knows only by another
// name ("=?x-sjis?", "=?win-1251?", "=?x-mac-cyrillic?") renamed to the name it knows, so GMime
// decodes the word instead of trying its fallback charsets on it; nullopt when none needs it.
std::optional<std::string> renamed_word_charsets(std::string_view raw, std::vector<std::string>& warnings) {
  const std::string_view headers = header_block(raw);
  std::string out;
  std::size_t copied = 0;
  for (std::size_t at = headers.find("=?"); at != std::string_view::npos; at = headers.find("=?", at + 2)) {
    const std::size_t end = headers.find('?', at + 2);
    if (end == std::string_view::npos || end - at - 2 > 40) continue;
    std::string_view label = headers.substr(at + 2, end - at - 2);
    label = label.substr(0, label.find('*'));  // RFC 2231 language: "utf-8*en"
    if (label.empty() || label.find_first_of(" \t\r\n") != std::string_view::npos) continue;
    const std::string name(label);
    const char* gmime_name = g_mime_charset_iconv_name(name.c_str());
    GIConv cd = g_iconv_open("UTF-8", gmime_name != nullptr ? gmime_name : name.c_str());
    if (cd != reinterpret_cast<GIConv>(-1)) {
      g_iconv_close(cd);
      continue;
    }
    const std::string known = iconv_charset(label);
    if (known.empty()) continue;
    if (out.empty() && copied == 0) warnings.push_back("encoded words in charset \"" + name + "\" read as " + known);
    out.append(raw.substr(copied, at + 2 - copied));
    out += known;
    copied = at + 2 + label.size();
  }
  if (copied == 0) return std::nullopt;
  out.append(raw.substr(copied));
  return out;
}

}  // namespace

std::optional<std::string> repaired_part_headers(std::string_view raw, const std::vector<std::string>& boundaries,
                                                 std::vector<std::string>& warnings) {
  const std::unordered_set<std::string_view> known(boundaries.begin(), boundaries.end());
  // "--b" opens a part, "--b--" closes the multipart; both end the part before them.
  const auto boundary_of = [&](std::string_view line, bool* closing) {
    line = trim(without_line_end(line));
    if (!line.starts_with("--")) return false;
    line.remove_prefix(2);
    if (known.contains(line)) {
      *closing = false;
      return true;
    }
    *closing = true;
    return line.ends_with("--") && known.contains(line.substr(0, line.size() - 2));
  };
  bool closing = false;
  const auto opens_part = [&](std::string_view line) { return boundary_of(line, &closing) && !closing; };
  const auto is_boundary = [&](std::string_view line) { return boundary_of(line, &closing); };
  std::string out;
  std::vector<std::string> found;
  std::size_t copied = 0;
  std::size_t at = 0;
  while (at < raw.size()) {
    const std::string_view line = line_at(raw, at);
    at += line.size();
    if (!opens_part(without_line_end(line))) continue;
    std::size_t end = at;
    while (end < raw.size() && !is_boundary(line_at(raw, end))) end += line_at(raw, end).size();
    if (std::optional<std::string> fixed = repair_header_block(raw.substr(at, end - at), found, true)) {
      out.append(raw.substr(copied, at - copied));
      out += *fixed;
      copied = end;
    }
    at = end;
  }
  if (copied == 0) return std::nullopt;
  out.append(raw.substr(copied));
  for (auto& warning : found) {
    warning = "in a MIME part: " + warning;
    if (std::ranges::find(warnings, warning) == warnings.end()) warnings.push_back(std::move(warning));
  }
  return out;
}

std::string_view header_block(std::string_view raw) {
  const std::size_t lf = raw.find("\n\n");
  const std::size_t crlf = raw.find("\r\n\r\n");
  return raw.substr(0, std::min(lf, crlf));
}

std::optional<std::string> repaired_for_gmime(std::string_view raw, std::vector<std::string>& warnings) {
  std::optional<std::string> repaired;
  // A file saved as UTF-16 (Windows "Unicode" text) with its byte order mark: read as UTF-8.
  if (raw.starts_with("\xFF\xFE") || raw.starts_with("\xFE\xFF")) {
    gsize written = 0;
    gchar* utf8 = g_convert(raw.data() + 2, static_cast<gssize>(raw.size() - 2), "UTF-8",
                            raw.starts_with("\xFF\xFE") ? "UTF-16LE" : "UTF-16BE", nullptr, &written, nullptr);
    if (utf8 != nullptr) {
      warnings.emplace_back("the message was saved as UTF-16; read as UTF-8");
      repaired = std::string(utf8, written);
      g_free(utf8);
      raw = *repaired;
    }
  }
  // Line ends first: every later repair works on lines.
  if (uses_cr_only(raw)) {
    warnings.emplace_back("lines end in CR only (classic Mac); read as LF");
    repaired = cr_to_lf(raw);
  } else if (uses_cr_cr_lf(raw)) {
    warnings.emplace_back("lines end in CR CR LF; read as CR LF");
    repaired = without_doubled_cr(raw);
  }
  {
    const std::string_view current = repaired ? std::string_view(*repaired) : raw;
    const std::string_view trimmed = skip_leading_noise(current, warnings);
    if (trimmed.size() != current.size()) repaired = std::string(trimmed);
  }
  {
    const std::string_view current = repaired ? std::string_view(*repaired) : raw;
    if (std::optional<std::string> block = repair_header_block(current, warnings)) repaired = std::move(block);
  }
  if (std::optional<std::string> joined = join_padded_base64_words(repaired ? std::string_view(*repaired) : raw)) {
    repaired = std::move(joined);
  }
  if (std::optional<std::string> renamed = renamed_word_charsets(repaired ? std::string_view(*repaired) : raw, warnings)) {
    repaired = std::move(renamed);
  }
  // GMime reads header values as C strings, so a NUL would silently cut a subject short.
  const std::string_view current = repaired ? std::string_view(*repaired) : raw;
  const std::size_t header_size = header_block(current).size();
  if (current.substr(0, header_size).find('\0') != std::string_view::npos) {
    std::string headers(current.substr(0, header_size));
    std::erase(headers, '\0');
    repaired = headers + std::string(current.substr(header_size));
  }
  return repaired;
}

}  // namespace triaged::mail::detail
