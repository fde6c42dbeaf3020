// identity: the keys a requester is recognised by. Turns a phone number or an email address as
// people actually write them into one canonical string, so that "8 916 123-45-67" and
// "+7 (916) 123-45-67" find the same requester profile. Pure functions: no I/O, no state, no
// exceptions; safe to call from any thread. Input is UTF-8; invalid UTF-8 is simply rejected.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace triaged::identity {

// Returns the number in E.164 form ("+79161234567"), or nullopt when `raw` does not hold
// exactly one plausible phone number. Digits are read by hand (libphonenumber's Debian package
// cannot be installed next to Boost 1.81), so the rules are deliberately narrow:
//
// Accepted spellings: digits separated by spaces, NBSP/narrow/thin spaces, '-', Unicode
// hyphens and dashes, '.', and one non-nested pair of parentheses; a digit-free label before
// the number ("тел.", "Tel:", "tel:") and digit-free text after it ("(моб.)", "Иван").
//   - "+CC…": any country, 8..15 digits in all, the first not 0. "+7…" needs exactly 11
//     digits and a national part starting with 3..9 (Russia and Kazakhstan).
//   - Without '+', only when default_region is "RU" (other regions accept '+' forms only):
//     11 digits "8…" or "7…" whose national part starts with 3..9 ("8 916 …", "7-916-…",
//     "8 800 …"); 10 digits starting with 3, 4 or 9 (area/mobile code without the trunk
//     prefix, "916 123 45 67", "495 123-45-67"). A bare 10 digits starting with 8 is rejected:
//     it is far more often an "8 9xx" mobile with one digit missing than an 8xx number.
//   - An extension after the number ("доб. 123", "доп. 12", "вн. 5", "ext 12", "x12", "#12")
//     is dropped: E.164 has no extension, and the main line is what a requester calls from
//     and can be called back on. Two people behind one switchboard therefore share the key.
//
// Rejected: letters touching or inside the digits ("8 9I6 …", "8916abc"), any digit in the
// text before or after the number (a second number, a house number), two '+', unbalanced
// parentheses, too few or too many digits, a national part of one repeated digit
// ("8 000 000 00 00", a typical placeholder), local 7-digit numbers, "00"/"8 10" international
// prefixes.
std::optional<std::string> normalize_phone(std::string_view raw, std::string_view default_region = "RU");

// Returns the address as "local@domain" with the domain in lower-case ASCII (IDNA2008 with
// TR46 non-transitional mapping: "Иван@Пример.РФ" -> "иван@xn--e1afmkfd.xn--p1ai") and the
// local part case-folded (Unicode case folding, NFC), or nullopt when `raw` is not one plain
// address. Surrounding whitespace, a "mailto:" prefix and a display name with angle brackets
// ("Иван Петров <Ivan@Example.RU>") are removed.
//
// The local part is case-folded although RFC 5321 lets a server treat "Ivan" and "ivan" as
// different mailboxes: no mainstream provider does, and requesters retype their address with
// arbitrary case, so not folding would split one person into several profiles. "+tags" and
// dots are kept ("ivan+shop@", "i.van@gmail.com"): outside Gmail they name different
// mailboxes, and guessing per provider would merge strangers.
//
// Rejected: not exactly one '@', an empty local part or domain, whitespace or control
// characters inside the address, quoted local parts and other characters outside RFC 5322
// dot-atoms, leading/trailing/double dots, a domain without a dot or that libidn2 refuses,
// a local part over 64 bytes or a domain over 253.
std::optional<std::string> normalize_email(std::string_view raw);

}  // namespace triaged::identity
