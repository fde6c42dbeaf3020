// Conditions: `any`/`all`/`not` combinators and `selector: { operator: argument }` leaves.
// A mapping with several keys, and a selector with several operators, both mean "all of
// them". Paths in messages ("delivery/when.any[0]") follow routing's trace, so an error and a
// trace line about the same condition name it the same way.
#include <string>

#include "spec_parser.h"

namespace triaged::rules {
namespace {

using routing::ConditionSpec;

constexpr std::string_view kPlainSelectors[] = {"subject", "body",        "text",
                                                "from",    "from_domain", "channel"};
constexpr std::string_view kNamedSelectors[] = {"field.", "header."};
constexpr std::string_view kConditionKeys =
    "any, all, not, use, subject, body, text, from, from_domain, channel, field.NAME, header.NAME";
constexpr std::string_view kOperators = "words, all_words, near, regex, equals, in, exists, negated";
constexpr std::string_view kNearKeys[] = {"words", "with", "within"};

bool is_selector(std::string_view key) {
  for (auto s : kPlainSelectors)
    if (key == s) return true;
  for (auto prefix : kNamedSelectors)
    if (key.starts_with(prefix) && key.size() > prefix.size()) return true;
  return false;
}

std::string indexed(const std::string& path, std::string_view combinator, std::size_t i) {
  return path + "." + std::string(combinator) + "[" + std::to_string(i) + "]";
}

ConditionSpec all_of(std::vector<ConditionSpec> children, std::string where) {
  ConditionSpec c;
  c.kind = ConditionSpec::Kind::all;
  c.children = std::move(children);
  c.where = std::move(where);
  return c;
}

std::optional<ConditionSpec> parse_mapping(const YAML::Node& node, const std::string& where,
                                           std::string_view what, const std::string& path,
                                           Reader& r);

std::optional<ConditionSpec> parse_operator(const Entry& op, const std::string& selector,
                                            std::string_view context, Reader& r) {
  using Op = ConditionSpec::Op;
  ConditionSpec c;
  c.selector = selector;
  c.where = r.where(op.key_node);
  std::optional<std::vector<std::string>> values;
  if (op.key == "words" || op.key == "all_words") {
    c.op = op.key == "words" ? Op::words : Op::all_words;
    values = r.strings(op, context, /*single_ok=*/true);
  } else if (op.key == "regex" || op.key == "equals") {
    c.op = op.key == "regex" ? Op::regex : Op::equals;
    if (auto v = r.string(op, context)) values = std::vector<std::string>{*v};
  } else if (op.key == "in") {
    c.op = Op::in;
    values = r.strings(op, context);
  } else if (op.key == "near") {
    // near: { words: [...], with: [...], within: 4 }
    c.op = Op::near;
    const std::string near_context(context);
    auto body = r.mapping(op, context);
    if (!body) return std::nullopt;
    r.check_keys(*body, near_context, kNearKeys);
    for (std::string_view required : {"words", "with"})
      if (!body->find(required)) r.missing_key(*body, required, near_context);
    if (const Entry* e = body->find("words")) values = r.strings(*e, near_context, /*single_ok=*/true);
    if (const Entry* e = body->find("with"))
      c.near_values = r.strings(*e, near_context, /*single_ok=*/true).value_or(std::vector<std::string>{});
    if (const Entry* e = body->find("within")) {
      auto n = r.number(*e, near_context);
      if (n && (*n < 0 || *n > 50 || *n != static_cast<int>(*n)))
        r.error(r.where(*e), "within must be a whole number of words from 0 (same sentence) to 50");
      else if (n)
        c.within = static_cast<int>(*n);
    }
  } else if (op.key == "exists") {
    c.op = Op::exists;
    auto b = r.boolean(op, context);
    if (!b) return std::nullopt;
    c.exists = *b;
    return c;
  } else {
    r.unknown_key(op, context, kOperators);
    return std::nullopt;
  }
  if (!values) return std::nullopt;
  c.values = std::move(*values);
  return c;
}

std::optional<ConditionSpec> parse_selector(const Entry& e, const std::string& path,
                                            std::string_view context, Reader& r) {
  auto ops = r.mapping(e, context);
  if (!ops) return std::nullopt;
  const std::string op_context = "in " + quote(e.key) + " condition at " + path;
  if (ops->entries.empty()) {
    r.error(r.where(e), entry_name(e, context) + " needs an operator (expected one of: " +
                            std::string(kOperators) + ")");
    return std::nullopt;
  }
  r.check_duplicates(*ops, op_context);
  // `negated: false` counts only keywords no negation governs; `negated: true` only negated ones.
  std::optional<routing::Negation> negation;
  if (const Entry* n = ops->find("negated")) {
    if (auto b = r.boolean(*n, op_context)) negation = *b ? routing::Negation::only : routing::Negation::exclude;
    else return std::nullopt;
  }
  std::vector<ConditionSpec> leaves;
  bool ok = true;
  for (const Entry& op : ops->entries) {
    if (op.key == "negated") {
      if (ops->entries.size() == 1)
        r.error(r.where(op), "`negated` " + op_context + " needs words, all_words or near beside it");
      continue;
    }
    auto leaf = parse_operator(op, e.key, op_context, r);
    if (leaf && negation) {
      using Op = ConditionSpec::Op;
      if (leaf->op == Op::words || leaf->op == Op::all_words || leaf->op == Op::near)
        leaf->negation = *negation;
      else
        r.error(r.where(op), "`negated` " + op_context + " applies to words, all_words and near, not " + op.key);
    }
    if (leaf)
      leaves.push_back(std::move(*leaf));
    else
      ok = false;
  }
  if (!ok) return std::nullopt;
  if (leaves.size() == 1) return std::move(leaves.front());
  return all_of(std::move(leaves), r.where(e.key_node));
}

std::optional<ConditionSpec> parse_key(const Entry& e, const std::string& path,
                                       std::string_view context, Reader& r) {
  if (e.key == "any" || e.key == "all") {
    auto items = r.sequence(e, context);
    if (!items) return std::nullopt;
    if (items->empty()) {
      r.error(r.where(e), entry_name(e, context) + " needs at least one condition");
      return std::nullopt;
    }
    ConditionSpec c;
    c.kind = e.key == "any" ? ConditionSpec::Kind::any : ConditionSpec::Kind::all;
    c.where = r.where(e.key_node);
    bool ok = true;
    for (std::size_t i = 0; i < items->size(); ++i) {
      const YAML::Node& item = (*items)[i];
      const std::string what = "item " + std::to_string(i + 1) + " of " + entry_name(e, context);
      auto child = parse_mapping(item, item.IsNull() ? r.where(e) : r.where(item), what,
                                 indexed(path, e.key, i), r);
      if (child)
        c.children.push_back(std::move(*child));
      else
        ok = false;
    }
    if (!ok) return std::nullopt;
    return c;
  }
  if (e.key == "not") {
    auto child = parse_mapping(e.value, r.where(e), entry_name(e, context), path + ".not", r);
    if (!child) return std::nullopt;
    ConditionSpec c;
    c.kind = ConditionSpec::Kind::not_;
    c.where = r.where(e.key_node);
    c.children.push_back(std::move(*child));
    return c;
  }
  if (e.key == "use") {
    auto name = r.non_empty_string(e, context);
    if (!name) return std::nullopt;
    ConditionSpec c;
    c.kind = ConditionSpec::Kind::use;
    c.ref = *name;
    c.where = r.where(e);
    return c;
  }
  if (is_selector(e.key)) return parse_selector(e, path, context, r);
  for (auto prefix : kNamedSelectors) {
    if (e.key == prefix) {
      r.error(r.where(e.key_node), "selector " + quote(e.key) + " " + std::string(context) +
                                       " needs a name after the dot (like " + std::string(prefix) +
                                       (prefix == "field." ? "order_id)" : "x-mailer)"));
      return std::nullopt;
    }
  }
  r.unknown_key(e, context, kConditionKeys);
  return std::nullopt;
}

std::optional<ConditionSpec> parse_mapping(const YAML::Node& node, const std::string& where,
                                           std::string_view what, const std::string& path,
                                           Reader& r) {
  auto m = r.mapping(node, where, what);
  if (!m) return std::nullopt;
  const std::string context = "in condition at " + path;
  if (m->entries.empty()) {
    r.error(where, "empty condition at " + path +
                       " (expected one of: " + std::string(kConditionKeys) + ")");
    return std::nullopt;
  }
  r.check_duplicates(*m, context);
  std::vector<ConditionSpec> parts;
  bool ok = true;
  const bool several = m->entries.size() > 1;
  for (std::size_t i = 0; i < m->entries.size(); ++i) {
    auto part = parse_key(m->entries[i], several ? indexed(path, "all", i) : path, context, r);
    if (part)
      parts.push_back(std::move(*part));
    else
      ok = false;
  }
  if (!ok) return std::nullopt;
  if (parts.size() == 1) return std::move(parts.front());
  return all_of(std::move(parts), r.where(node));
}

}  // namespace

std::optional<ConditionSpec> parse_condition(const Entry& entry, std::string_view context,
                                             const std::string& path, Reader& r) {
  return parse_mapping(entry.value, r.where(entry), entry_name(entry, context), path, r);
}

}  // namespace triaged::rules
