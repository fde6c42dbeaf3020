// Byte-level repairs of a raw message before GMime reads it, for damage real mail carries and
// GMime would read worse than a mail client: a file saved as UTF-16; a leading byte order mark,
// whitespace or stray lines; classic Mac CR-only line ends (or CR CR LF ones); a "blank" line
// of spaces or no blank line at all between the headers and the body, in the message and in
// its MIME parts; a multipart type without a subtype; repeated single-instance header fields
// (GMime keeps the last, clients the first); NUL bytes in headers; padded RFC 2047 B words
// (encoded_word_repair.h) and RFC 2047 charset labels iconv knows by another name. Only header blocks are edited; bodies are left byte for byte,
// except that CR-only line ends become LF and CR CR LF ones CR LF everywhere.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace triaged::mail::detail {

// `raw` as GMime should see it, or nullopt when it needs no change. Each repair adds one
// warning saying what was wrong.
std::optional<std::string> repaired_for_gmime(std::string_view raw, std::vector<std::string>& warnings);

// The same header-block repairs for every part of the multiparts with these boundaries (a part
// whose body starts without a blank line, or has no headers at all, or a separator line of
// spaces), which GMime would otherwise read as empty; nullopt when no part needs one. Needs the
// boundaries GMime found, so it runs on a first parse's result.
std::optional<std::string> repaired_part_headers(std::string_view raw, const std::vector<std::string>& boundaries,
                                                 std::vector<std::string>& warnings);

// The message's header block: everything before the first blank line.
std::string_view header_block(std::string_view raw);

}  // namespace triaged::mail::detail
