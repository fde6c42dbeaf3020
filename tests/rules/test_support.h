// Helpers shared by the rules tests: fixtures are loaded under their bare file name, so the
// expected messages read "unknown-key.yaml:20:5: ..." wherever the checkout lives.
#pragma once

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "rules/rules.h"

namespace triaged::rules::testing {

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

inline std::string fixture_path(const std::string& name) {
  return std::string(TRIAGED_TESTDATA_DIR) + "/" + name;
}

inline std::vector<std::string> messages(const routing::Diagnostics& diagnostics) {
  std::vector<std::string> out;
  for (const auto& d : diagnostics) out.push_back(d.to_string());
  return out;
}

// Every diagnostic of loading testdata/<name>; fails the test if the fixture loads.
inline std::vector<std::string> load_errors(const std::string& name) {
  const std::string text = read_text(fixture_path(name));
  REQUIRE_FALSE(text.empty());
  auto loaded = load_rules_text(text, name);
  REQUIRE_FALSE(loaded.has_value());
  return messages(loaded.error());
}

// Loads YAML written inline in a test; fails the test with the diagnostics if it does not load.
inline LoadedRules load_ok(const std::string& yaml, const std::string& source = "rules.yaml") {
  auto loaded = load_rules_text(yaml, source);
  if (!loaded) FAIL(Catch::Detail::stringify(messages(loaded.error())));
  return std::move(*loaded);
}

// The structural parse of inline YAML, which must succeed.
inline routing::RuleSetSpec parse_ok(const std::string& yaml) {
  auto spec = parse_rules_text(yaml, "rules.yaml");
  if (!spec) FAIL(Catch::Detail::stringify(messages(spec.error())));
  return std::move(*spec);
}

inline std::vector<std::string> parse_errors(const std::string& yaml) {
  auto spec = parse_rules_text(yaml, "rules.yaml");
  REQUIRE_FALSE(spec.has_value());
  return messages(spec.error());
}

// A valid rule set to append topics or tests to: departments logistics and support, field
// order_id (eight digits), template order_problem, and `topics:` last so callers can append.
inline constexpr const char kPreamble[] = R"(version: 1
name: "Test shop"
languages: [ru, en]
departments:
  logistics: { title: "Логистика" }
  support: { title: "Поддержка" }
fields:
  order_id: { title: "Номер заказа", type: string, pattern: '^\d{8}$' }
templates:
  order_problem: { required: [order_id] }
)";

}  // namespace triaged::rules::testing
