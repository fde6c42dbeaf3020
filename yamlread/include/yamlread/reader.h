// Reading yaml-cpp nodes strictly and saying where things are, for every file an admin writes
// (rule sets, the daemon's config). Every check that is about the shape of the YAML (node
// kinds, duplicate and unknown keys, scalars that must be numbers or booleans) reports through
// a Reader, so each message has the same form and a location. Modules include this from their
// private sources only; yaml-cpp must not leak into their public headers.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "routing/rule_spec.h"

namespace triaged::yamlread {

// Turns yaml-cpp marks (0-based line, byte column) into "source:line:column", 1-based, with
// the column counted in characters because that is what an editor shows for Cyrillic text.
// REQUIRES: `text` outlives the SourceMap and is exactly what yaml-cpp parsed.
class SourceMap {
 public:
  SourceMap(std::string source, std::string_view text);
  std::string where(const YAML::Mark& mark) const;
  const std::string& source() const { return source_; }

 private:
  std::string source_;
  std::string_view text_;
  std::vector<std::size_t> line_starts_;
};

// "text" with quotes and backslashes escaped, as messages quote culprits.
std::string quote(std::string_view text);
// "a, b, c"
std::string join(std::span<const std::string> items);
std::string join(std::span<const std::string_view> items);

// A YAML stream read for a file that must hold exactly one document: the first document
// (null if there is none), how many documents the stream has, counting no further than two,
// and where the second one's first node starts. Throws YAML::Exception on a syntax error.
// Use this, not YAML::LoadAll(): yaml-cpp 0.7's LoadAll never returns on some malformed
// streams (`"",` reports an empty document forever without reading on), allocating until
// the process runs out of memory.
struct FirstDocument {
  YAML::Node node;
  int documents = 0;  // 0, 1 or 2 (two or more)
  YAML::Mark second;  // valid when documents == 2
};
FirstDocument load_first_document(const std::string& text);

// One key: value pair of a mapping. `key` is the key's scalar text.
struct Entry {
  std::string key;
  YAML::Node key_node;
  YAML::Node value;
};

// A mapping's pairs in document order, duplicates included (yaml-cpp keeps them, which is
// what lets us report them).
struct Mapping {
  YAML::Node node;
  std::vector<Entry> entries;

  const Entry* find(std::string_view key) const;
};

class Reader {
 public:
  Reader(const SourceMap& map, routing::Diagnostics& out) : map_(map), out_(out) {}

  std::string where(const YAML::Node& node) const { return map_.where(node.Mark()); }
  // The value's location, or the key's when the value is empty: yaml-cpp marks an empty
  // value at the next token, which may be lines further down.
  std::string where(const Entry& entry) const;
  void error(std::string where, std::string message);
  std::size_t error_count() const { return out_.size(); }

  // A mapping with string keys; `what` names it for "expected a mapping for <what>".
  std::optional<Mapping> mapping(const YAML::Node& node, const std::string& where,
                                 std::string_view what);
  std::optional<Mapping> mapping(const Entry& entry, std::string_view context);
  // Reports every repeated key; `context` is "in topic \"delivery\"" and the like.
  void check_duplicates(const Mapping& m, std::string_view context);
  // check_duplicates(), then reports every key not in `allowed`.
  void check_keys(const Mapping& m, std::string_view context,
                  std::span<const std::string_view> allowed);
  void unknown_key(const Entry& entry, std::string_view context, std::string_view expected);
  void missing_key(const Mapping& m, std::string_view key, std::string_view context);

  std::optional<std::vector<YAML::Node>> sequence(const Entry& entry, std::string_view context);
  std::optional<std::string> string(const Entry& entry, std::string_view context);
  std::optional<std::string> non_empty_string(const Entry& entry, std::string_view context);
  // A sequence of strings named `what` in messages.
  std::optional<std::vector<std::string>> string_items(const YAML::Node& node,
                                                       const std::string& where,
                                                       std::string_view what);
  // A sequence of strings; with `single_ok`, one string stands for a one-item list.
  std::optional<std::vector<std::string>> strings(const Entry& entry, std::string_view context,
                                                  bool single_ok = false);
  // Plain (unquoted) true or false, as YAML 1.2 spells them.
  std::optional<bool> boolean(const Entry& entry, std::string_view context);
  // A plain finite number.
  std::optional<double> number(const Entry& entry, std::string_view context);

  // "expected <expected> for <what>, got <what the node is>", located at `where`.
  void wrong_kind(const YAML::Node& node, const std::string& where, std::string_view expected,
                  std::string_view what);

 private:
  const SourceMap& map_;
  routing::Diagnostics& out_;
};

// How a node reads in "got ...": "a mapping", "a sequence", "an empty value" or the scalar.
std::string describe(const YAML::Node& node);
// `"key" in topic "x"`: how an entry is named in messages.
std::string entry_name(const Entry& entry, std::string_view context);

}  // namespace triaged::yamlread
