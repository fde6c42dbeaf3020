// UTF-8 at the HTTP boundary: what clients send need not be UTF-8, what we answer must be.
// Both follow RFC 3629 as strictly as the JSON parser (no overlongs, surrogates or code points
// past U+10FFFF), by utf8proc's decoder.
#pragma once

#include <string>
#include <string_view>

namespace triaged::daemon {

bool is_utf8(std::string_view s);

// `s` with each byte that does not start a valid sequence replaced by U+FFFD.
std::string as_utf8(std::string_view s);

}  // namespace triaged::daemon
