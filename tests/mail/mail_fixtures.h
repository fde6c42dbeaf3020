// Reading the .eml fixtures in testdata/ for the mail tests.
#pragma once

#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>
#include <string>

#include "mail/message.h"

namespace triaged::mail::testing {

inline std::string read_fixture(const std::string& name) {
  std::ifstream in(std::string(TRIAGED_TESTDATA_DIR) + "/" + name, std::ios::binary);
  REQUIRE(in.good());
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline ParsedMessage parse_fixture(const std::string& name, const ParseOptions& options = {}) {
  auto parsed = parse_message(read_fixture(name), options);
  if (!parsed) FAIL("parse_message(" << name << ") failed: " << parsed.error().reason);
  return *parsed;
}

inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

inline bool any_warning_contains(const ParsedMessage& message, const std::string& part) {
  for (const auto& warning : message.warnings) {
    if (contains(warning, part)) return true;
  }
  return false;
}

// Structural UTF-8 check (lead byte, continuation bytes, no overlong two-byte forms), enough to
// prove the module's output invariant without linking GLib into the tests.
inline bool is_valid_utf8(const std::string& text) {
  for (std::size_t i = 0; i < text.size();) {
    const auto lead = static_cast<unsigned char>(text[i]);
    const std::size_t length = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : (lead >> 3) == 0x1E ? 4 : 0;
    if (length == 0 || (length == 2 && lead < 0xC2) || i + length > text.size()) return false;
    for (std::size_t k = 1; k < length; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return false;
    }
    i += length;
  }
  return true;
}

}  // namespace triaged::mail::testing
