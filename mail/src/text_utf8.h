// Byte-level text helpers: the invariants every string leaving the module satisfies (valid
// UTF-8, no NUL, LF line ends) and the small ASCII utilities the parsers share.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace triaged::mail::detail {

bool is_valid_utf8(std::string_view bytes);

// NUL bytes removed, invalid UTF-8 replaced by U+FFFD, CRLF and lone CR turned into LF.
std::string clean_utf8(std::string_view bytes);

// The longest prefix of `text` no longer than max_bytes that does not split a UTF-8 sequence.
std::string_view cut_at_utf8_boundary(std::string_view text, std::size_t max_bytes);

// A header value on one line: line breaks (folding) and the whitespace after them become one
// space, control characters become spaces, the result is trimmed.
std::string unfold_header_value(std::string_view value);

std::string ascii_lower(std::string_view text);
// Unicode case folding (GLib's), for caseless comparison of any script: "ОТВЕТ" -> "ответ".
std::string casefold(std::string_view text);
std::string_view trim(std::string_view text);
bool is_blank(std::string_view text);
bool starts_with_ignoring_ascii_case(std::string_view text, std::string_view prefix);

}  // namespace triaged::mail::detail
