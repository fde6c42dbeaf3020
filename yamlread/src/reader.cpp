#include "yamlread/reader.h"

#include <yaml-cpp/eventhandler.h>

#include <charconv>
#include <cmath>
#include <map>
#include <sstream>

namespace triaged::yamlread {
namespace {

// Long scalars are cut in messages: the location already says where the rest is.
constexpr std::size_t kMaxQuotedChars = 40;

bool is_continuation_byte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

std::string shorten(std::string_view text) {
  std::size_t chars = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (is_continuation_byte(text[i])) continue;
    if (chars++ == kMaxQuotedChars) return std::string(text.substr(0, i)) + "...";
  }
  return std::string(text);
}

// Counts documents and notes where each one's first node is, building nothing.
class DocumentCounter : public YAML::EventHandler {
 public:
  int documents = 0;
  YAML::Mark second;

  void OnDocumentStart(const YAML::Mark& mark) override {
    if (++documents == 2) second = mark;
    fresh_ = true;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override { node(mark); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { node(mark); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t, const std::string&) override {
    node(mark);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    node(mark);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    node(mark);
  }
  void OnMapEnd() override {}

 private:
  // A document's start mark is its "---"; messages point at its content, as a Node's mark does.
  void node(const YAML::Mark& mark) {
    if (fresh_ && documents == 2) second = mark;
    fresh_ = false;
  }
  bool fresh_ = false;
};

}  // namespace

FirstDocument load_first_document(const std::string& text) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  DocumentCounter counter;
  while (counter.documents < 2 && parser.HandleNextDocument(counter)) {
  }
  FirstDocument first;
  first.documents = counter.documents;
  first.second = counter.second;
  if (first.documents > 0) first.node = YAML::Load(text);
  return first;
}

SourceMap::SourceMap(std::string source, std::string_view text)
    : source_(std::move(source)), text_(text) {
  line_starts_.push_back(0);
  for (std::size_t i = 0; i < text_.size(); ++i)
    if (text_[i] == '\n') line_starts_.push_back(i + 1);
}

std::string SourceMap::where(const YAML::Mark& mark) const {
  if (mark.is_null() || mark.line < 0 || mark.column < 0) return source_;
  const auto line = static_cast<std::size_t>(mark.line);
  std::size_t column = static_cast<std::size_t>(mark.column);
  if (line < line_starts_.size()) {
    const std::size_t start = line_starts_[line];
    const std::size_t end = std::min(text_.size(), start + column);
    column = 0;
    for (std::size_t i = start; i < end; ++i)
      if (!is_continuation_byte(text_[i])) ++column;
  }
  return source_ + ":" + std::to_string(line + 1) + ":" + std::to_string(column + 1);
}

std::string quote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

std::string join(std::span<const std::string> items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

std::string join(std::span<const std::string_view> items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

const Entry* Mapping::find(std::string_view key) const {
  for (const auto& e : entries)
    if (e.key == key) return &e;
  return nullptr;
}

std::string describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Sequence:
      return "a sequence";
    case YAML::NodeType::Scalar:
      return quote(shorten(node.Scalar()));
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      break;
  }
  return "an empty value";
}

std::string entry_name(const Entry& entry, std::string_view context) {
  std::string name = quote(entry.key);
  if (!context.empty()) (name += ' ') += context;
  return name;
}

std::string Reader::where(const Entry& entry) const {
  return entry.value.IsNull() ? where(entry.key_node) : where(entry.value);
}

void Reader::error(std::string where, std::string message) {
  out_.push_back({std::move(where), std::move(message)});
}

void Reader::wrong_kind(const YAML::Node& node, const std::string& where, std::string_view expected,
                        std::string_view what) {
  error(where, "expected " + std::string(expected) + " for " + std::string(what) + ", got " +
                   describe(node));
}

std::optional<Mapping> Reader::mapping(const YAML::Node& node, const std::string& where,
                                       std::string_view what) {
  if (!node.IsMap()) {
    wrong_kind(node, where, "a mapping", what);
    return std::nullopt;
  }
  Mapping m{node, {}};
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (!it->first.IsScalar()) {
      error(this->where(it->first),
            "expected a string key in " + std::string(what) + ", got " + describe(it->first));
      continue;
    }
    m.entries.push_back({it->first.Scalar(), it->first, it->second});
  }
  return m;
}

std::optional<Mapping> Reader::mapping(const Entry& entry, std::string_view context) {
  return mapping(entry.value, where(entry), entry_name(entry, context));
}

void Reader::check_duplicates(const Mapping& m, std::string_view context) {
  std::map<std::string_view, const Entry*> first;
  for (const auto& e : m.entries) {
    auto [it, inserted] = first.emplace(e.key, &e);
    if (inserted) continue;
    const std::string earlier = where(it->second->key_node);
    // "file:12:5" -> "12:5": the file is already named at the front of the message.
    const std::string line_column =
        earlier.substr(std::min(earlier.size(), map_.source().size() + 1));
    std::string message = "duplicate key " + quote(e.key);
    if (!context.empty()) (message += ' ') += context;
    error(where(e.key_node), message + " (first at " + line_column + ")");
  }
}

void Reader::check_keys(const Mapping& m, std::string_view context,
                        std::span<const std::string_view> allowed) {
  check_duplicates(m, context);
  const std::string expected = join(allowed);
  for (const auto& e : m.entries) {
    bool known = false;
    for (const auto& a : allowed) known = known || e.key == a;
    if (!known) unknown_key(e, context, expected);
  }
}

void Reader::unknown_key(const Entry& entry, std::string_view context, std::string_view expected) {
  std::string message = "unknown key " + entry_name(entry, context) +
                        " (expected one of: " + std::string(expected) + ")";
  // yaml-cpp reads `<<: *anchor` as an ordinary key; say why it did not merge.
  if (entry.key == "<<") message += "; YAML merge keys are not supported";
  error(where(entry.key_node), std::move(message));
}

void Reader::missing_key(const Mapping& m, std::string_view key, std::string_view context) {
  std::string message = "missing required key " + quote(key);
  if (!context.empty()) (message += ' ') += context;
  error(where(m.node), std::move(message));
}

std::optional<std::vector<YAML::Node>> Reader::sequence(const Entry& entry,
                                                        std::string_view context) {
  if (!entry.value.IsSequence()) {
    wrong_kind(entry.value, where(entry), "a sequence", entry_name(entry, context));
    return std::nullopt;
  }
  std::vector<YAML::Node> items;
  for (const auto& item : entry.value) items.push_back(item);
  return items;
}

std::optional<std::string> Reader::string(const Entry& entry, std::string_view context) {
  if (!entry.value.IsScalar()) {
    wrong_kind(entry.value, where(entry), "a string", entry_name(entry, context));
    return std::nullopt;
  }
  return entry.value.Scalar();
}

std::optional<std::string> Reader::non_empty_string(const Entry& entry, std::string_view context) {
  auto s = string(entry, context);
  if (s && s->empty()) {
    error(where(entry), entry_name(entry, context) + " must not be empty");
    return std::nullopt;
  }
  return s;
}

std::optional<std::vector<std::string>> Reader::string_items(const YAML::Node& node,
                                                             const std::string& where,
                                                             std::string_view what) {
  if (!node.IsSequence()) {
    wrong_kind(node, where, "a sequence", what);
    return std::nullopt;
  }
  std::vector<std::string> out;
  bool ok = true;
  std::size_t index = 0;
  for (const auto& item : node) {
    ++index;
    if (item.IsScalar()) {
      out.push_back(item.Scalar());
      continue;
    }
    ok = false;
    wrong_kind(item, item.IsNull() ? where : this->where(item), "a string",
               "item " + std::to_string(index) + " of " + std::string(what));
  }
  if (!ok) return std::nullopt;
  return out;
}

std::optional<std::vector<std::string>> Reader::strings(const Entry& entry,
                                                        std::string_view context, bool single_ok) {
  if (single_ok && entry.value.IsScalar()) return std::vector<std::string>{entry.value.Scalar()};
  if (single_ok && !entry.value.IsSequence()) {
    wrong_kind(entry.value, where(entry), "a string or a sequence", entry_name(entry, context));
    return std::nullopt;
  }
  return string_items(entry.value, where(entry), entry_name(entry, context));
}

std::optional<bool> Reader::boolean(const Entry& entry, std::string_view context) {
  if (entry.value.IsScalar()) {
    const std::string& s = entry.value.Scalar();
    if (s == "true" || s == "True" || s == "TRUE") return true;
    if (s == "false" || s == "False" || s == "FALSE") return false;
  }
  wrong_kind(entry.value, where(entry), "true or false", entry_name(entry, context));
  return std::nullopt;
}

std::optional<double> Reader::number(const Entry& entry, std::string_view context) {
  if (entry.value.IsScalar()) {
    std::string_view s = entry.value.Scalar();
    if (s.starts_with('+')) s.remove_prefix(1);
    double value = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (!s.empty() && ec == std::errc() && end == s.data() + s.size() && std::isfinite(value))
      return value;
  }
  wrong_kind(entry.value, where(entry), "a number", entry_name(entry, context));
  return std::nullopt;
}

}  // namespace triaged::yamlread
