// Turning a text part's bytes into UTF-8 when its charset label is missing or lies. The rule:
// the declared charset if iconv knows it and the bytes convert cleanly; the declared charset
// with each bad byte replaced by U+FFFD (and a warning) if the damage is small: for a UTF-8
// label, no more bad bytes than valid multi-byte characters; for any other, at most one bad
// byte in four 8-bit bytes and the bytes are not valid UTF-8; otherwise UTF-8 if the bytes are
// valid UTF-8; otherwise, for text that looks Cyrillic (8-bit letters next to each
// other rather than next to ASCII letters), windows-1251 or KOI8-R, whichever reads more like
// Russian (common letters and lower case; each read as the other swaps case and lands on rare
// letters) if the result reads like Cyrillic text at all, else each 8-bit byte becomes U+FFFD
// (CJK or other bytes we cannot tell: honest rather than mojibake); likewise U+FFFD when half
// the 8-bit bytes stand in runs of three or more (double-byte CJK); otherwise windows-1252,
// and ISO-8859-1 as the last resort.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace triaged::mail::detail {

struct DecodedText {
  std::string text;     // valid UTF-8, not yet newline-normalised
  std::string warning;  // non-empty when the charset was guessed or bytes were replaced
};

// `declared` may be empty (no label). `what` names the part in the warning. `sender_charsets`
// are the charsets the message declares elsewhere (other parts' labels, RFC 2047 words in its
// headers): when the label is missing or fails and the bytes are not UTF-8, the first of them
// that converts the bytes cleanly is used before any guess, since a mail program writes all
// its text in one charset.
DecodedText decode_to_utf8(std::string_view bytes, std::string_view declared, std::string_view what,
                           const std::vector<std::string>& sender_charsets = {});

// The name iconv opens for a charset label, after GMime's aliases and the misspellings real mail
// carries ("x-mac-cyrillic", "cp-850", "win-1251", "x-sjis", "unicode-1-1-utf-7", a
// quoted-printable "3D" or quotes left in); "" for a label that names no charset
// ("unknown-8bit", "x-user-defined", "default") or one iconv does not know.
std::string iconv_charset(std::string_view label);

// The first of `charsets` iconv knows that converts `bytes` without an error; "" if none.
std::string first_clean_charset(std::string_view bytes, const std::vector<std::string>& charsets);

// "UTF-8", "windows-1251", "KOI8-R", "windows-1252" or "ISO-8859-1" for unlabelled bytes, per the
// rule above; "" where the rule gives U+FFFD (runs of 8-bit bytes that read as no Cyrillic).
std::string guess_charset(std::string_view bytes);

}  // namespace triaged::mail::detail
