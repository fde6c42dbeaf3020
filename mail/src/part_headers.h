// Reading a MIME part's own headers the way mail clients do where GMime differs or gives up:
// the first of repeated Content-Type fields, RFC 2045's text/plain for an invalid type,
// filename* over filename; and the few facts about a part the body walker decides on.
#pragma once

#include <gmime/gmime.h>

#include <string>
#include <string_view>
#include <vector>

namespace triaged::mail::detail {

bool is_attachment_disposition(GMimeObject* object);

// Content-Disposition's filename, else Content-Type's name; an RFC 2231 "filename*" wins over
// a plain "filename" wherever they stand. Decoded UTF-8, "" if the part names none.
std::string filename_of(GMimeObject* object);

// A leaf whose Content-Type GMime rejected (it then says application/octet-stream) gets
// text/plain with the parameters that were readable (RFC 2045), or the type with its subtype
// when only spacing or quoting was wrong; a subtype-less binary type ("image; name=a.png")
// stays as GMime read it. Adds a warning and returns true when it changed the type.
bool repair_content_type(GMimeObject* object, GMimeParserOptions* parser_options, std::vector<std::string>& warnings);

// GMime lets the last of repeated Content-Type fields decide; mail clients read the first.
void prefer_first_content_type(GMimeObject* object, GMimeParserOptions* parser_options);

// A Content-Transfer-Encoding GMime did not recognise ("base-64", "quoted printable",
// "quoted-printable; x") read for what it plainly means, so the content is decoded; true when
// it changed the part's encoding.
bool repair_transfer_encoding(GMimePart* part, std::vector<std::string>& warnings);

// The part's charset label: GMime's charset parameter, else a "charset=" (or "charset:") the
// raw Content-Type carries where GMime could not see a parameter ("text/plain charset=koi8-r",
// "format=flowed charset=x"); "" if none.
std::string charset_label(GMimeObject* object);

// Text a person can read as it is, or after light conversion (text/enriched); not the
// machine formats that travel as text (calendars, contact cards, header dumps).
bool is_readable_text(std::string_view type);

// The charset an HTML document names in a <meta> tag, looked for in its first 4 KB; "" if none.
std::string html_meta_charset(std::string_view html);

}  // namespace triaged::mail::detail
