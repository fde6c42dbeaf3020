#include "fields.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <set>

#include "text.h"

namespace triaged::routing {
namespace {

std::size_t code_points(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::optional<double> parse_number(std::string_view s, bool integer) {
  std::string normalized;
  for (char c : s) {
    if (c == ',' && !integer) c = '.';  // "12,50": the decimal comma of most of Europe
    normalized += c;
  }
  if (normalized.empty()) return std::nullopt;
  std::size_t i = (normalized[0] == '-' || normalized[0] == '+') ? 1 : 0;
  bool digits = false, dot = false;
  for (; i < normalized.size(); ++i) {
    if (is_digit(normalized[i])) digits = true;
    else if (normalized[i] == '.' && !integer && !dot) dot = true;
    else return std::nullopt;
  }
  if (!digits) return std::nullopt;
  if (normalized[0] == '+') normalized.erase(0, 1);
  double v = 0;
  auto [ptr, ec] = std::from_chars(normalized.data(), normalized.data() + normalized.size(), v);
  if (ec != std::errc() || ptr != normalized.data() + normalized.size()) return std::nullopt;
  return v;
}

bool valid_email(std::string_view s) {
  const auto at = s.find('@');
  if (at == 0 || at == std::string_view::npos || s.find('@', at + 1) != std::string_view::npos) return false;
  if (s.size() > 254) return false;
  const auto domain = s.substr(at + 1);
  const auto dot = domain.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 >= domain.size()) return false;
  for (unsigned char c : s)
    if (c <= ' ' || c == '<' || c == '>' || c == ',' || c == ';') return false;
  return true;
}

bool valid_phone(std::string_view s) {
  int digits = 0;
  for (char c : s) {
    if (is_digit(c)) ++digits;
    else if (c != ' ' && c != '+' && c != '-' && c != '(' && c != ')' && c != '.') return false;
  }
  return digits >= 7 && digits <= 15;  // E.164 allows at most 15 digits
}

bool valid_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (!is_digit(s[i])) return false;
  const int y = std::stoi(std::string(s.substr(0, 4)));
  const int m = std::stoi(std::string(s.substr(5, 2)));
  const int d = std::stoi(std::string(s.substr(8, 2)));
  static const int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || d < 1) return false;
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= (m == 2 && !leap ? 28 : kDays[m - 1]);
}

std::string number_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

std::optional<std::string> limits_problem(const FieldSpec& f, double v, const char* unit) {
  if (f.min && v < *f.min) return std::string("must be at least ") + number_text(*f.min) + unit;
  if (f.max && v > *f.max) return std::string("must be at most ") + number_text(*f.max) + unit;
  return std::nullopt;
}

}  // namespace

std::optional<std::string> field_value_problem(const CompiledField& field, const std::string& value) {
  const FieldSpec& f = *field.spec;
  switch (f.type) {
    case FieldType::string:
    case FieldType::text:
      if (auto p = limits_problem(f, static_cast<double>(code_points(value)), " characters long")) return p;
      break;
    case FieldType::email:
      if (!valid_email(value)) return "is not an email address";
      break;
    case FieldType::phone:
      if (!valid_phone(value)) return "is not a phone number (7 to 15 digits; spaces, +, -, ( ) allowed)";
      break;
    case FieldType::integer:
    case FieldType::decimal: {
      const bool integer = f.type == FieldType::integer;
      auto v = parse_number(value, integer);
      if (!v) return integer ? "is not a whole number" : "is not a number";
      if (auto p = limits_problem(f, *v, "")) return p;
      break;
    }
    case FieldType::date:
      if (!valid_date(value)) return "is not a date as YYYY-MM-DD";
      break;
    case FieldType::enumeration: {
      std::set<std::string> allowed(f.values.begin(), f.values.end());
      if (!allowed.count(value)) {
        std::string list;
        for (const auto& v : f.values) list += (list.empty() ? "" : ", ") + v;
        return "must be one of: " + list;
      }
      break;
    }
  }
  if (field.pattern && !re2::RE2::FullMatch(value, *field.pattern))
    return "does not match the pattern " + field.pattern->pattern();
  return std::nullopt;
}

namespace {

// Which extract patterns can match the subject (0) and the body (1): one RE2::Set pass over
// each, made when the first extraction needs it.
class ExtractHits {
 public:
  ExtractHits(const RuleSet::Impl& rules, const Ticket& ticket) : rules_(rules), ticket_(ticket) {}

  bool may_match(int text, int pattern) {
    if (pattern < 0 || !rules_.extract_set) return true;
    auto& hits = hits_[text];
    if (!hits) {
      hits.emplace();
      const std::string& s = text == 0 ? ticket_.subject : ticket_.body;
      re2::RE2::Set::ErrorInfo error;
      if (!rules_.extract_set->Match(s, &*hits, &error) && error.kind != re2::RE2::Set::kNoError)
        failed_[text] = true;  // out of memory on this text: run every pattern on its own
      std::sort(hits->begin(), hits->end());
    }
    return failed_[text] || std::binary_search(hits->begin(), hits->end(), pattern);
  }

 private:
  const RuleSet::Impl& rules_;
  const Ticket& ticket_;
  std::optional<std::vector<int>> hits_[2];
  bool failed_[2] = {false, false};
};

// The value the ticket gives for `id`, looking at sent fields, then the requester, then the
// text, then (for remembered fields) the requester's history. An extracted value that would
// be invalid is ignored: extraction is a guess.
std::optional<ResolvedField> resolve(const RuleSet::Impl& rules, const std::string& id, const Ticket& ticket,
                                     ExtractHits& extract_hits) {
  if (auto it = ticket.fields.find(id); it != ticket.fields.end() && !trim(it->second).empty())
    return ResolvedField{std::string(trim(it->second)), "ticket", ""};
  const std::string* from_requester = id == "name"    ? &ticket.requester.name
                                      : id == "email" ? &ticket.requester.email
                                      : id == "phone" ? &ticket.requester.phone
                                                      : nullptr;
  if (from_requester && !trim(*from_requester).empty())
    return ResolvedField{std::string(trim(*from_requester)), "requester", ""};
  auto field = rules.fields.find(id);
  if (field == rules.fields.end()) return std::nullopt;
  for (std::size_t e = 0; e < field->second.extract.size(); ++e) {
    const auto& re = field->second.extract[e];
    for (int which = 0; which < 2; ++which) {
      if (!extract_hits.may_match(which, field->second.extract_in_set[e])) continue;
      const std::string* text = which == 0 ? &ticket.subject : &ticket.body;
      re2::StringPiece input(*text), groups[2];
      const int n = re->NumberOfCapturingGroups() >= 1 ? 2 : 1;
      if (!re->Match(input, 0, input.size(), re2::RE2::UNANCHORED, groups, n)) continue;
      const re2::StringPiece& hit = groups[n - 1];
      std::string value(trim(std::string_view(hit.data(), hit.size())));
      if (!value.empty() && !field_value_problem(field->second, value)) return ResolvedField{value, "extracted", ""};
    }
  }
  // Last: what this ticket says, even in passing, is newer than what an earlier one said. A
  // remembered value the field's rules now reject is ignored, like a bad extraction.
  if (!from_requester && !field->second.spec->remember) return std::nullopt;
  auto known = ticket.known.find(id);
  if (known == ticket.known.end()) return std::nullopt;
  std::string value(trim(known->second.value));
  if (value.empty() || field_value_problem(field->second, value)) return std::nullopt;
  return ResolvedField{std::move(value), "history", known->second.from};
}

}  // namespace

void check_template(const RuleSet::Impl& rules, const CompiledTopic& topic, const Ticket& ticket,
                    Decision& decision) {
  std::vector<FieldProblem> missing, invalid;
  std::set<std::string> invalid_ids;
  ExtractHits extract_hits(rules, ticket);
  auto consider = [&](const std::string& id) -> bool {
    if (decision.fields.count(id) || invalid_ids.count(id)) return true;
    auto value = resolve(rules, id, ticket, extract_hits);
    if (!value) return false;
    if (value->source == "ticket" || value->source == "requester") {
      if (auto problem = field_value_problem(rules.fields.at(id), value->value)) {
        invalid.push_back({id, "invalid", "\"" + value->value + "\" " + *problem});
        invalid_ids.insert(id);
        return true;  // present, so not also missing
      }
    }
    decision.fields.emplace(id, std::move(*value));
    return true;
  };
  if (const TemplateSpec* t = topic.template_spec) {
    for (const auto& id : t->required)
      if (!consider(id)) missing.push_back({id, "missing", "is required for topic \"" + topic.spec->id + "\""});
    for (const auto& group : t->at_least_one_of) {
      bool any = false;
      for (const auto& id : group) any = consider(id) || any;
      if (!any) {
        std::string names, label;
        for (const auto& id : group) {
          names += (names.empty() ? "" : ", ") + id;
          label += (label.empty() ? "" : "|") + id;
        }
        missing.push_back({label, "missing", "at least one of " + names + " is required for topic \"" +
                                                 topic.spec->id + "\""});
      }
    }
    for (const auto& id : t->optional) consider(id);
  }
  // Declared fields the ticket sends outside its template are still checked: bad data is bad
  // data whichever topic it arrives under.
  for (const auto& [id, value] : ticket.fields)
    if (rules.fields.count(id) && !decision.fields.count(id) && !trim(value).empty()) consider(id);
  decision.problems = std::move(missing);
  decision.problems.insert(decision.problems.end(), invalid.begin(), invalid.end());
}

}  // namespace triaged::routing
