// A workaround for GMime 3.2.13 (Debian bookworm), jstedfast/gmime issue #133: when adjacent
// RFC 2047 words share a charset and use B encoding, GMime joins their base64 payloads before
// decoding, and its decoder stops at the first word's "=" padding, so "=?UTF-8?B?SGVsbG8=?=
// =?UTF-8?B?IHdvcmxk?=" decodes to "Hello". Gmail and Outlook fold long subjects and names
// exactly like that, and Outlook long attachment names too. We join such runs the way GMime
// means to, with GLib's base64, before GMime sees the message; decoding itself stays GMime's.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace triaged::mail::detail {

// `raw` with, inside every header block (the message's, each MIME part's, each enclosed
// message's), each run of same-charset B words in which a word other than the last is padded
// replaced by one B word carrying the run's bytes; nullopt when there is no such run. Bodies
// are not touched, so text and attachment bytes stay exactly as sent.
std::optional<std::string> join_padded_base64_words(std::string_view raw);

}  // namespace triaged::mail::detail
