// Private GMime plumbing shared by the parser and the composer: one-time initialisation,
// owning pointers for GObject-based types, and the few byte-level helpers every part needs.
#pragma once

#include <gmime/gmime.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace triaged::mail::detail {

// Safe to call from any thread, any number of times.
void ensure_gmime_initialised();

struct GObjectUnref {
  void operator()(gpointer object) const {
    if (object != nullptr) g_object_unref(object);
  }
};
template <typename T>
using GObjectPtr = std::unique_ptr<T, GObjectUnref>;

struct ParserOptionsFree {
  void operator()(GMimeParserOptions* options) const { g_mime_parser_options_free(options); }
};
using ParserOptionsPtr = std::unique_ptr<GMimeParserOptions, ParserOptionsFree>;

struct GFree {
  void operator()(gpointer memory) const { g_free(memory); }
};
using GCharPtr = std::unique_ptr<char, GFree>;

// Loose compliance everywhere (real mail is sloppy); `fallback_charsets` decode raw 8-bit
// header bytes and RFC 2047 words whose charset iconv does not know.
ParserOptionsPtr make_parser_options(const std::vector<std::string>& fallback_charsets);

// nullptr when GMime finds no message at all in `raw`.
GObjectPtr<GMimeMessage> construct_message(std::string_view raw, GMimeParserOptions* options);

// The part's content with its Content-Transfer-Encoding undone (bytes, charset untouched).
std::string decoded_content(GMimePart* part);

// The whole object serialised as GMime sees it (headers and body), e.g. a forwarded message.
std::string serialised(GMimeObject* object);

// "text/plain", lower case, no parameters; "application/octet-stream" if GMime has none.
std::string mime_type_of(GMimeObject* object);

std::string without_angle_brackets(std::string_view id);

// text/enriched (RFC 1896), or text/richtext when `richtext`, as HTML, by GMime's filter.
std::string enriched_to_html(std::string_view text, bool richtext);

}  // namespace triaged::mail::detail
