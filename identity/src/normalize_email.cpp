#include "identity/normalize.h"

#include <idn2.h>
#include <utf8proc.h>

#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <memory>

namespace triaged::identity {
namespace {

constexpr std::size_t kMaxLocalPartBytes = 64;  // RFC 5321 4.5.3.1.1
constexpr std::size_t kMaxDomainBytes = 253;    // RFC 1035, without the trailing dot

std::string_view trim(std::string_view s) {
  constexpr std::string_view kNbsp = "\u00A0";
  for (bool changed = true; changed;) {
    changed = false;
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n')) {
      s.remove_prefix(1);
      changed = true;
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
      s.remove_suffix(1);
      changed = true;
    }
    if (s.starts_with(kNbsp)) s.remove_prefix(kNbsp.size()), changed = true;
    if (s.ends_with(kNbsp)) s.remove_suffix(kNbsp.size()), changed = true;
  }
  return s;
}

bool iequals_prefix(std::string_view s, std::string_view lower_prefix) {
  if (s.size() < lower_prefix.size()) return false;
  for (std::size_t i = 0; i < lower_prefix.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    if (c != lower_prefix[i]) return false;
  }
  return true;
}

// "Name <addr>" or "<addr>" -> addr; a bare address is returned as is. nullopt for stray or
// misplaced brackets.
std::optional<std::string_view> strip_display_name(std::string_view s) {
  const std::size_t open = s.find('<');
  const std::size_t close = s.find('>');
  if (open == std::string_view::npos && close == std::string_view::npos) return s;
  if (open == std::string_view::npos || close != s.size() - 1 || s.find('<', open + 1) != std::string_view::npos ||
      close < open) {
    return std::nullopt;
  }
  return trim(s.substr(open + 1, close - open - 1));
}

// RFC 5322 atext plus UTF-8 (RFC 6532); '.' is checked separately.
bool is_local_char(unsigned char c) {
  if (c >= 0x80) return true;
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-/=?^_`{|}~").find(static_cast<char>(c)) != std::string_view::npos;
}

bool is_dot_atom(std::string_view s, bool (*allowed)(unsigned char)) {
  if (s.empty() || s.front() == '.' || s.back() == '.' || s.find("..") != std::string_view::npos) return false;
  return std::ranges::all_of(s, [&](char c) { return c == '.' || allowed(static_cast<unsigned char>(c)); });
}

std::optional<std::string> fold_local_part(std::string_view local) {
  if (std::ranges::all_of(local, [](char c) { return static_cast<unsigned char>(c) < 0x80; })) {
    std::string out(local);
    std::ranges::transform(out, out.begin(), [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; });
    return out;
  }
  // Non-ASCII whitespace and invisible characters (NBSP, zero-width space) would make two
  // spellings of one address differ invisibly.
  const auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(local.data());
  for (utf8proc_ssize_t i = 0; i < static_cast<utf8proc_ssize_t>(local.size());) {
    utf8proc_int32_t cp = 0;
    const utf8proc_ssize_t len = utf8proc_iterate(bytes + i, static_cast<utf8proc_ssize_t>(local.size()) - i, &cp);
    if (len <= 0) return std::nullopt;
    switch (utf8proc_category(cp)) {
      case UTF8PROC_CATEGORY_ZS: case UTF8PROC_CATEGORY_ZL: case UTF8PROC_CATEGORY_ZP:
      case UTF8PROC_CATEGORY_CC: case UTF8PROC_CATEGORY_CF: case UTF8PROC_CATEGORY_CS:
      case UTF8PROC_CATEGORY_CO: case UTF8PROC_CATEGORY_CN:
        return std::nullopt;
      default:
        break;
    }
    i += len;
  }
  utf8proc_uint8_t* folded = nullptr;
  const utf8proc_ssize_t n =
      utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(local.data()), static_cast<utf8proc_ssize_t>(local.size()),
                   &folded, static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD));
  if (n < 0) return std::nullopt;  // invalid UTF-8
  const std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> owner(folded, &std::free);
  return std::string(reinterpret_cast<const char*>(folded), static_cast<std::size_t>(n));
}

bool is_ldh(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

// Lower-case ASCII domain, IDN labels as "xn--" punycode. TR46 non-transitional mapping also
// folds case, so "Пример.РФ" and "пример.рф" give the same result; "ß" stays distinct from "ss"
// as IDNA2008 requires.
std::optional<std::string> domain_to_ascii(std::string_view domain) {
  const std::string input(domain);
  char* ascii = nullptr;
  if (idn2_to_ascii_8z(input.c_str(), &ascii, IDN2_NONTRANSITIONAL) != IDN2_OK) return std::nullopt;
  const std::unique_ptr<char, decltype(&idn2_free)> owner(ascii, &idn2_free);
  std::string out(ascii);
  std::ranges::transform(out, out.begin(), [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; });
  if (out.size() > kMaxDomainBytes || out.find('.') == std::string::npos || !is_dot_atom(out, is_ldh)) {
    return std::nullopt;
  }
  std::size_t label_start = 0;
  while (label_start <= out.size()) {
    std::size_t label_end = out.find('.', label_start);
    if (label_end == std::string::npos) label_end = out.size();
    const std::string_view label = std::string_view(out).substr(label_start, label_end - label_start);
    if (label.front() == '-' || label.back() == '-') return std::nullopt;
    label_start = label_end + 1;
  }
  return out;
}

}  // namespace

std::optional<std::string> normalize_email(std::string_view raw) {
  std::string_view s = trim(raw);
  if (iequals_prefix(s, "mailto:")) s = trim(s.substr(7));
  const std::optional<std::string_view> address = strip_display_name(s);
  if (!address) return std::nullopt;

  const std::size_t at = address->find('@');
  if (at == std::string_view::npos || address->find('@', at + 1) != std::string_view::npos) return std::nullopt;
  const std::string_view local = address->substr(0, at);
  const std::string_view domain = address->substr(at + 1);
  if (local.size() > kMaxLocalPartBytes || !is_dot_atom(local, is_local_char)) return std::nullopt;
  // libidn2 would quietly accept some of these; the address as typed must already be a domain.
  if (domain.empty() || domain.front() == '.' || domain.back() == '.' ||
      domain.find_first_of(" \t\r\n<>()[],;:\\\"@") != std::string_view::npos) {
    return std::nullopt;
  }

  std::optional<std::string> folded_local = fold_local_part(local);
  std::optional<std::string> ascii_domain = domain_to_ascii(domain);
  if (!folded_local || !ascii_domain) return std::nullopt;
  return *folded_local + "@" + *ascii_domain;
}

}  // namespace triaged::identity
