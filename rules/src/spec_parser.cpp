#include "spec_parser.h"

#include <cctype>
#include <utility>

namespace triaged::rules {
namespace {

using routing::FieldType;

constexpr std::string_view kTopKeys[] = {"version",  "name",   "languages", "departments", "fields",
                                         "templates", "topics", "tests",     "calendar",    "priorities",
                                         "escalations", "duplicates", "conditions", "decide", "model",
                                         "negation", "acknowledgement", "satisfaction"};
constexpr std::string_view kDepartmentKeys[] = {"title", "head"};
constexpr std::string_view kFieldKeys[] = {"title", "type", "pattern", "extract",
                                           "min",   "max",  "values", "remember"};
constexpr std::string_view kTemplateKeys[] = {"required", "optional", "at_least_one_of"};
constexpr std::string_view kTopicKeys[] = {"id",       "title", "department", "template",
                                           "priority", "sla",   "first_response", "when", "default",
                                           "duplicates", "unless", "weight", "signals", "decisive",
                                           "canned", "answers"};

constexpr std::pair<std::string_view, FieldType> kFieldTypes[] = {
    {"string", FieldType::string}, {"text", FieldType::text},       {"email", FieldType::email},
    {"phone", FieldType::phone},   {"integer", FieldType::integer}, {"decimal", FieldType::decimal},
    {"date", FieldType::date},     {"enum", FieldType::enumeration}};

// Ids end up in trace paths ("delivery/when"), URLs and "phone|email" group names, so the
// characters those use as separators cannot be part of one.
bool valid_id(std::string_view id) {
  for (char c : id)
    if (std::isspace(static_cast<unsigned char>(c)) || c == '/' || c == '|') return false;
  return true;
}

void check_id(const std::string& id, const YAML::Node& at, std::string_view kind, Reader& r) {
  if (!valid_id(id))
    r.error(r.where(at), "invalid " + std::string(kind) + " id " + quote(id) +
                             ": ids may not contain spaces, \"/\" or \"|\"");
}

// An id -> definition mapping such as `departments`; duplicate ids are reported here since
// the YAML mapping is where they are visible.
std::optional<Mapping> id_mapping(const Entry& entry, Reader& r) {
  auto m = r.mapping(entry, "at top level");
  if (m) r.check_duplicates(*m, "in " + quote(entry.key));
  return m;
}

void parse_departments(const Entry& entry, routing::RuleSetSpec& spec, Reader& r) {
  auto departments = id_mapping(entry, r);
  if (!departments) return;
  for (const Entry& d : departments->entries) {
    check_id(d.key, d.key_node, "department", r);
    const std::string context = "in department " + quote(d.key);
    auto body = r.mapping(d.value, r.where(d), "department " + quote(d.key));
    if (!body) continue;
    r.check_keys(*body, context, kDepartmentKeys);
    routing::DepartmentSpec out{d.key, "", r.where(d.key_node)};
    if (const Entry* e = body->find("title")) out.title = r.string(*e, context).value_or("");
    if (const Entry* e = body->find("head")) out.head = r.non_empty_string(*e, context).value_or("");
    spec.departments.push_back(std::move(out));
  }
}

void parse_field(const Entry& f, routing::RuleSetSpec& spec, Reader& r) {
  check_id(f.key, f.key_node, "field", r);
  const std::string context = "in field " + quote(f.key);
  auto body = r.mapping(f.value, r.where(f), "field " + quote(f.key));
  if (!body) return;
  r.check_keys(*body, context, kFieldKeys);
  routing::FieldSpec out;
  out.id = f.key;
  out.where = r.where(f.key_node);
  if (const Entry* e = body->find("title")) out.title = r.string(*e, context).value_or("");
  if (const Entry* e = body->find("type")) {
    if (auto name = r.string(*e, context)) {
      bool known = false;
      for (const auto& [type_name, type] : kFieldTypes) {
        if (*name != type_name) continue;
        known = true;
        out.type = type;
      }
      if (!known)
        r.error(r.where(*e), "unknown field type " + quote(*name) + " " + context +
                                 " (expected one of: string, text, email, phone, integer, "
                                 "decimal, date, enum)");
    }
  }
  if (const Entry* e = body->find("pattern")) out.pattern = r.string(*e, context);
  if (const Entry* e = body->find("extract"))
    out.extract = r.strings(*e, context, /*single_ok=*/true).value_or(std::vector<std::string>{});
  for (auto [limit, into] : {std::pair{"min", &out.min}, std::pair{"max", &out.max}}) {
    const Entry* e = body->find(limit);
    if (e == nullptr) continue;
    *into = r.number(*e, context);
    const bool applies = out.type == FieldType::integer || out.type == FieldType::decimal ||
                         out.type == FieldType::string || out.type == FieldType::text;
    if (!applies)
      r.error(r.where(e->key_node), quote(limit) + " " + context + " has no meaning for type " +
                                        routing::to_string(out.type) +
                                        " (it limits integer and decimal values and the length "
                                        "of string and text)");
  }
  if (const Entry* e = body->find("values"))
    out.values = r.strings(*e, context).value_or(std::vector<std::string>{});
  if (const Entry* e = body->find("remember")) out.remember = r.boolean(*e, context).value_or(false);
  spec.fields.push_back(std::move(out));
}

void parse_template(const Entry& t, routing::RuleSetSpec& spec, Reader& r) {
  check_id(t.key, t.key_node, "template", r);
  const std::string context = "in template " + quote(t.key);
  auto body = r.mapping(t.value, r.where(t), "template " + quote(t.key));
  if (!body) return;
  r.check_keys(*body, context, kTemplateKeys);
  routing::TemplateSpec out;
  out.id = t.key;
  out.where = r.where(t.key_node);
  if (const Entry* e = body->find("required"))
    out.required = r.strings(*e, context).value_or(std::vector<std::string>{});
  if (const Entry* e = body->find("optional"))
    out.optional = r.strings(*e, context).value_or(std::vector<std::string>{});
  if (const Entry* e = body->find("at_least_one_of")) {
    std::size_t index = 0;
    for (const YAML::Node& group : r.sequence(*e, context).value_or(std::vector<YAML::Node>{})) {
      const std::string what = "item " + std::to_string(++index) + " of " + entry_name(*e, context);
      auto fields = r.string_items(group, group.IsNull() ? r.where(*e) : r.where(group), what);
      if (fields) out.at_least_one_of.push_back(std::move(*fields));
    }
  }
  spec.templates.push_back(std::move(out));
}

void parse_topic(const YAML::Node& node, std::size_t index, const Entry& topics_entry,
                 routing::RuleSetSpec& spec, Reader& r) {
  const std::string number = "topic #" + std::to_string(index);
  auto body = r.mapping(node, node.IsNull() ? r.where(topics_entry) : r.where(node), number);
  if (!body) return;
  routing::TopicSpec out;
  out.where = r.where(node);
  std::string label = number;
  if (const Entry* e = body->find("id")) {
    if (auto id = r.non_empty_string(*e, "in " + number)) {
      out.id = *id;
      label = "topic " + quote(*id);
      check_id(out.id, e->value, "topic", r);
    }
  } else {
    r.missing_key(*body, "id", "in " + number);
  }
  const std::string context = "in " + label;
  r.check_keys(*body, context, kTopicKeys);
  if (const Entry* e = body->find("title")) out.title = r.string(*e, context).value_or("");
  if (const Entry* e = body->find("department"))
    out.department = r.string(*e, context).value_or("");
  else
    r.missing_key(*body, "department", context);
  if (const Entry* e = body->find("template")) out.template_id = r.string(*e, context).value_or("");
  if (const Entry* e = body->find("priority"))
    out.priority = parse_priority(*e, context, r).value_or(routing::Priority::normal);
  if (const Entry* e = body->find("sla")) out.sla = duration_entry(*e, context, r).value_or(out.sla);
  if (const Entry* e = body->find("first_response"))
    out.first_response = duration_entry(*e, context, r).value_or(out.first_response);
  if (const Entry* e = body->find("default"))
    out.is_default = r.boolean(*e, context).value_or(false);
  if (const Entry* e = body->find("duplicates")) out.duplicates = parse_duplicate_action(*e, context, r);
  // Whether `when` and `default` fit together is build_rule_set()'s call; here only shape.
  const std::string path = out.id.empty() ? number : out.id;
  if (const Entry* e = body->find("when")) out.when = parse_condition(*e, context, path + "/when", r);
  parse_topic_scoring(*body, context, path, out, r);
  parse_topic_texts(*body, context, out, r);
  spec.topics.push_back(std::move(out));
}

}  // namespace

// "24h", "90m", "1d12h": whole numbers with units, largest unit first, each unit at most once.
std::optional<std::chrono::seconds> parse_duration(std::string_view text) {
  static constexpr std::pair<char, long long> kUnits[] = {
      {'d', 86400}, {'h', 3600}, {'m', 60}, {'s', 1}};
  // A bound far above any SLA keeps the arithmetic clear of overflow.
  constexpr long long kMaxNumber = 1'000'000'000;
  if (text.empty()) return std::nullopt;
  long long total = 0;
  std::size_t next_unit = 0;
  while (!text.empty()) {
    std::size_t digits = 0;
    long long number = 0;
    while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) {
      number = number * 10 + (text[digits++] - '0');
      if (number > kMaxNumber) return std::nullopt;
    }
    if (digits == 0 || digits == text.size()) return std::nullopt;
    std::size_t unit = next_unit;
    while (unit < std::size(kUnits) && kUnits[unit].first != text[digits]) ++unit;
    if (unit == std::size(kUnits)) return std::nullopt;
    total += number * kUnits[unit].second;
    next_unit = unit + 1;
    text.remove_prefix(digits + 1);
  }
  return std::chrono::seconds(total);
}

std::optional<std::chrono::seconds> duration_entry(const Entry& entry, std::string_view context, Reader& r) {
  auto text = r.string(entry, context);
  if (!text) return std::nullopt;
  if (auto duration = parse_duration(*text)) return duration;
  r.error(r.where(entry), "invalid duration " + quote(*text) + " for " + entry_name(entry, context) +
                              " (expected whole numbers with units d, h, m, s, largest first, "
                              "like \"24h\", \"90m\" or \"1d12h\")");
  return std::nullopt;
}

std::optional<routing::Priority> parse_priority(const Entry& entry, std::string_view context,
                                                Reader& r) {
  using routing::Priority;
  auto name = r.string(entry, context);
  if (!name) return std::nullopt;
  for (Priority p : {Priority::low, Priority::normal, Priority::high, Priority::urgent})
    if (*name == routing::to_string(p)) return p;
  r.error(r.where(entry), "unknown priority " + quote(*name) + " " + std::string(context) +
                              " (expected one of: low, normal, high, urgent)");
  return std::nullopt;
}

ParsedRules parse_rules(const YAML::Node& root, Reader& r) {
  ParsedRules out;
  auto top = r.mapping(root, r.where(root), "the rule set");
  if (!top) return out;
  const std::string context = "at top level";
  r.check_keys(*top, context, kTopKeys);
  for (std::string_view required : {"version", "name", "departments", "topics"})
    if (!top->find(required)) r.missing_key(*top, required, context);

  if (const Entry* e = top->find("version")) {
    if (auto v = r.string(*e, context); v && *v != "1")
      r.error(r.where(*e), "unsupported version " + quote(*v) + " (expected 1)");
  }
  if (const Entry* e = top->find("name"))
    out.spec.name = r.non_empty_string(*e, context).value_or("");
  if (const Entry* e = top->find("languages"))
    out.spec.languages = r.strings(*e, context).value_or(std::vector<std::string>{});
  if (const Entry* e = top->find("departments")) parse_departments(*e, out.spec, r);
  if (const Entry* e = top->find("fields")) {
    if (auto fields = id_mapping(*e, r))
      for (const Entry& f : fields->entries) parse_field(f, out.spec, r);
  }
  if (const Entry* e = top->find("templates")) {
    if (auto templates = id_mapping(*e, r))
      for (const Entry& t : templates->entries) parse_template(t, out.spec, r);
  }
  if (const Entry* e = top->find("topics")) {
    std::size_t index = 0;
    for (const YAML::Node& t : r.sequence(*e, context).value_or(std::vector<YAML::Node>{}))
      parse_topic(t, ++index, *e, out.spec, r);
  }
  if (const Entry* e = top->find("calendar")) parse_calendar(*e, out.spec, r);
  if (const Entry* e = top->find("priorities")) parse_priority_slas(*e, out.spec, r);
  if (const Entry* e = top->find("escalations")) parse_escalations(*e, out.spec, r);
  if (const Entry* e = top->find("duplicates")) parse_duplicates(*e, out.spec, r);
  if (const Entry* e = top->find("conditions")) parse_named_conditions(*e, out.spec, r);
  if (const Entry* e = top->find("decide")) parse_decide(*e, out.spec, r);
  if (const Entry* e = top->find("model")) parse_model(*e, out.spec, r);
  if (const Entry* e = top->find("negation")) parse_negation(*e, out.spec, r);
  if (const Entry* e = top->find("acknowledgement")) parse_acknowledgement(*e, out.spec, r);
  if (const Entry* e = top->find("satisfaction")) parse_satisfaction(*e, out.spec, r);
  if (const Entry* e = top->find("tests")) out.tests = parse_tests(*e, r);
  return out;
}

}  // namespace triaged::rules
