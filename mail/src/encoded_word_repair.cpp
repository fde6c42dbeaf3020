#include "encoded_word_repair.h"

#include <glib.h>

#include <optional>
#include <vector>

#include "text_utf8.h"

namespace triaged::mail::detail {
namespace {

struct BWord {
  std::size_t begin = 0;  // offset of "=?"
  std::size_t end = 0;    // offset just past "?="
  std::string_view charset;
  std::string_view payload;
};

// A B-encoded word starting exactly at `at`, if there is one.
std::optional<BWord> b_word_at(std::string_view text, std::size_t at) {
  if (text.substr(at, 2) != "=?") return std::nullopt;
  const std::size_t charset_end = text.find('?', at + 2);
  if (charset_end == std::string_view::npos || charset_end == at + 2 || charset_end + 2 >= text.size()) {
    return std::nullopt;
  }
  if ((text[charset_end + 1] != 'B' && text[charset_end + 1] != 'b') || text[charset_end + 2] != '?') {
    return std::nullopt;
  }
  const std::size_t payload_begin = charset_end + 3;
  const std::size_t close = text.find("?=", payload_begin);
  if (close == std::string_view::npos) return std::nullopt;
  const std::string_view payload = text.substr(payload_begin, close - payload_begin);
  if (payload.find_first_of(" \t\r\n") != std::string_view::npos) return std::nullopt;
  return BWord{at, close + 2, text.substr(at + 2, charset_end - at - 2), payload};
}

std::size_t skip_folding_whitespace(std::string_view text, std::size_t at) {
  while (at < text.size() && (text[at] == ' ' || text[at] == '\t' || text[at] == '\r' || text[at] == '\n')) ++at;
  return at;
}

std::string decode_base64(std::string_view payload) {
  std::string padded(payload);
  gsize length = 0;
  guchar* bytes = g_base64_decode(padded.c_str(), &length);
  std::string result(reinterpret_cast<const char*>(bytes), length);
  g_free(bytes);
  return result;
}

std::string joined_word(const std::vector<BWord>& run) {
  std::string bytes;
  for (const BWord& word : run) bytes += decode_base64(word.payload);
  gchar* encoded = g_base64_encode(reinterpret_cast<const guchar*>(bytes.data()), bytes.size());
  std::string word = "=?" + std::string(run.front().charset) + "?B?" + encoded + "?=";
  g_free(encoded);
  return word;
}

bool needs_joining(const std::vector<BWord>& run) {
  for (std::size_t i = 0; i + 1 < run.size(); ++i) {
    if (run[i].payload.ends_with('=')) return true;
  }
  return false;
}

// One header field's text with its runs joined; the field unchanged if it has none.
std::string join_in_field(std::string_view headers) {
  std::string result;
  std::size_t copied = 0;
  std::size_t at = headers.find("=?");
  while (at != std::string_view::npos) {
    std::optional<BWord> first = b_word_at(headers, at);
    if (!first) {
      at = headers.find("=?", at + 2);
      continue;
    }
    std::vector<BWord> run = {*first};
    while (true) {
      const std::size_t next_at = skip_folding_whitespace(headers, run.back().end);
      std::optional<BWord> next = b_word_at(headers, next_at);
      // A blank line ends the header block; a line break not followed by whitespace ends the field.
      const std::string_view gap = headers.substr(run.back().end, next_at - run.back().end);
      const bool folded_within_field =
          gap.find("\n\n") == std::string_view::npos && gap.find("\n\r\n") == std::string_view::npos &&
          (gap.empty() || gap.back() == ' ' || gap.back() == '\t');
      if (!next || !folded_within_field || ascii_lower(next->charset) != ascii_lower(run.front().charset)) break;
      run.push_back(*next);
    }
    if (run.size() > 1 && needs_joining(run)) {
      result.append(headers.substr(copied, run.front().begin - copied));
      result += joined_word(run);
      copied = run.back().end;
    }
    at = headers.find("=?", run.back().end);
  }
  if (copied == 0) return std::string(headers);
  result.append(headers.substr(copied));
  return result;
}

bool is_field_name_char(char c) { return c > ' ' && c < 0x7F && c != ':'; }

// "Name:" at the start of the line.
bool starts_header_field(std::string_view line) {
  std::size_t i = 0;
  while (i < line.size() && is_field_name_char(line[i])) ++i;
  return i > 0 && i < line.size() && line[i] == ':';
}

std::string_view line_at(std::string_view text, std::size_t at) {
  const std::size_t end = text.find('\n', at);
  return text.substr(at, end == std::string_view::npos ? text.size() - at : end - at + 1);
}

}  // namespace

std::optional<std::string> join_padded_base64_words(std::string_view raw) {
  // Cheap exit for the common case: no padded B word at all.
  if (raw.find("=?=") == std::string_view::npos) return std::nullopt;
  std::string result;
  std::size_t copied = 0;
  // Header blocks start the message, follow a boundary line, or follow the header block of a
  // message/rfc822 or text/rfc822-headers part; a blank line ends each one.
  bool expecting_headers = true;
  std::string block_so_far;  // lower-cased, to spot a part that wraps another header block
  std::size_t at = 0;
  while (at < raw.size()) {
    const std::string_view line = line_at(raw, at);
    const bool blank = trim(line).empty();
    if (!expecting_headers) {
      expecting_headers = line.starts_with("--");
      at += line.size();
      continue;
    }
    if (blank) {
      expecting_headers = block_so_far.find("rfc822") != std::string::npos;
      block_so_far.clear();
      at += line.size();
      continue;
    }
    if (!starts_header_field(line)) {
      expecting_headers = line.starts_with("--");
      block_so_far.clear();
      at += line.size();
      continue;
    }
    std::size_t field_end = at + line.size();
    while (field_end < raw.size() && (raw[field_end] == ' ' || raw[field_end] == '\t')) {
      field_end += line_at(raw, field_end).size();
    }
    const std::string_view field = raw.substr(at, field_end - at);
    block_so_far += ascii_lower(field.substr(0, 200));
    if (field.find("=?=") != std::string_view::npos) {
      std::string joined = join_in_field(field);
      if (joined != field) {
        result.append(raw.substr(copied, at - copied));
        result += joined;
        copied = field_end;
      }
    }
    at = field_end;
  }
  if (copied == 0) return std::nullopt;
  result.append(raw.substr(copied));
  return result;
}

}  // namespace triaged::mail::detail
