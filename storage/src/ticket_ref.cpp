#include "ticket_ref.h"

#include <algorithm>
#include <array>
#include <limits>

namespace triaged::storage {
namespace {

constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
constexpr int kBitsPerSymbol = 5;
// Ref lengths in symbols, shortest first; each covers ids below 32^length, and 13 symbols
// hold any positive int64.
constexpr std::array<int, 5> kRefLengths{6, 8, 10, 12, 13};
constexpr char kCursorPrefix = 'k';

// -1 for a character that is no Crockford symbol. Reading aliases are the caller's business.
int symbol_value(char c) {
  const auto at = kAlphabet.find(c);
  return at == std::string_view::npos ? -1 : static_cast<int>(at);
}

// A bijection on [0, 2^bits): xor with a constant, multiplications by odd constants and
// right xor-shifts are each invertible modulo 2^bits, so their composition is too.
std::uint64_t scramble(std::uint64_t x, int bits) {
  const std::uint64_t mask = bits >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << bits) - 1;
  const int shift = bits / 2;
  x = (x ^ 0x5DEECE66DULL) & mask;
  x = (x * 0x9E3779B97F4A7C15ULL) & mask;
  x ^= x >> shift;
  x = (x * 0xBF58476D1CE4E5B9ULL) & mask;
  x ^= x >> shift;
  return x;
}

std::string to_symbols(std::uint64_t value, int length) {
  std::string out(static_cast<std::size_t>(length), '0');
  for (int i = length - 1; i >= 0; --i) {
    out[static_cast<std::size_t>(i)] = kAlphabet[value & 31];
    value >>= kBitsPerSymbol;
  }
  return out;
}

std::string with_dash(std::string symbols) {
  symbols.insert(symbols.size() / 2, 1, '-');
  return symbols;
}

}  // namespace

std::string encode_ref(std::int64_t id) {
  const auto value = static_cast<std::uint64_t>(id);
  for (const int length : kRefLengths) {
    const int bits = std::min(length * kBitsPerSymbol, 64);
    if (bits == 64 || value < (std::uint64_t{1} << bits)) {
      return with_dash(to_symbols(scramble(value, bits), length));
    }
  }
  return {};  // unreachable: the last length covers 64 bits
}

std::optional<std::string> normalize_ref(std::string_view typed) {
  std::string symbols;
  for (char c : typed) {
    if (c == '-' || c == ' ') continue;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c == 'O') c = '0';
    if (c == 'I' || c == 'L') c = '1';
    if (symbol_value(c) < 0) return std::nullopt;
    symbols += c;
  }
  for (const int length : kRefLengths) {
    if (symbols.size() == static_cast<std::size_t>(length)) return with_dash(std::move(symbols));
  }
  return std::nullopt;
}

std::string encode_cursor(std::int64_t last_id) {
  auto value = static_cast<std::uint64_t>(last_id);
  std::string digits;
  do {
    digits.insert(digits.begin(), kAlphabet[value & 31]);
    value >>= kBitsPerSymbol;
  } while (value != 0);
  return kCursorPrefix + digits;
}

std::optional<std::int64_t> decode_cursor(std::string_view cursor) {
  constexpr std::size_t kMaxDigits = 13;
  // A leading zero would give one id two spellings; encode_cursor never writes one.
  if (cursor.size() < 2 || cursor.size() > kMaxDigits + 1 || cursor[0] != kCursorPrefix ||
      cursor[1] == '0') {
    return std::nullopt;
  }
  std::uint64_t value = 0;
  for (const char c : cursor.substr(1)) {
    const int digit = symbol_value(c);
    if (digit < 0) return std::nullopt;
    if (value > (std::numeric_limits<std::uint64_t>::max() >> kBitsPerSymbol)) return std::nullopt;
    value = (value << kBitsPerSymbol) | static_cast<std::uint64_t>(digit);
  }
  if (value == 0 || value > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    return std::nullopt;
  }
  return static_cast<std::int64_t>(value);
}

}  // namespace triaged::storage
