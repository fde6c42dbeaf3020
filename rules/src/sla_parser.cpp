// The SLA parts of a rule set: the business `calendar`, SLA defaults per priority and the
// `escalations` levels. Shape and syntax only; build_rule_set() checks what they refer to
// (the time zone, departments) and whether the numbers make sense together.
#include <cctype>
#include <string>
#include <utility>

#include "spec_parser.h"

namespace triaged::rules {
namespace {

constexpr std::string_view kCalendarKeys[] = {"time_zone", "working_days", "hours", "holidays"};
constexpr std::string_view kPriorityKeys[] = {"first_response", "sla"};
constexpr std::string_view kLevelKeys[] = {"id", "at", "of", "action", "to", "url", "secret_env"};
constexpr std::string_view kWeekdays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

using routing::EscalationAction;

constexpr std::pair<std::string_view, EscalationAction> kActions[] = {
    {"notify_assignee", EscalationAction::notify_assignee},
    {"notify_head", EscalationAction::notify_head},
    {"reassign", EscalationAction::reassign},
    {"webhook", EscalationAction::webhook}};

// Digits only, at most `max_digits` of them.
std::optional<int> number(std::string_view text, std::size_t max_digits) {
  if (text.empty() || text.size() > max_digits) return std::nullopt;
  int n = 0;
  for (char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    n = n * 10 + (c - '0');
  }
  return n;
}

// "09:00" -> 540; "24:00" is the end of the day.
std::optional<int> clock_minutes(std::string_view text) {
  if (text.size() != 5 || text[2] != ':') return std::nullopt;
  auto h = number(text.substr(0, 2), 2);
  auto m = number(text.substr(3, 2), 2);
  if (!h || !m || *m > 59 || *h > 24 || (*h == 24 && *m != 0)) return std::nullopt;
  return *h * 60 + *m;
}

// "09:00-18:00"
std::optional<routing::WorkingHours> working_hours(std::string_view text) {
  const auto dash = text.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  auto from = clock_minutes(text.substr(0, dash));
  auto to = clock_minutes(text.substr(dash + 1));
  if (!from || !to) return std::nullopt;
  return routing::WorkingHours{*from, *to};
}

// "2027-01-07"; whether the day exists is the calendar's check.
std::optional<routing::CivilDate> civil_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  auto y = number(text.substr(0, 4), 4);
  auto m = number(text.substr(5, 2), 2);
  auto d = number(text.substr(8, 2), 2);
  if (!y || !m || !d) return std::nullopt;
  return routing::CivilDate{*y, *m, *d};
}

// "80%"
std::optional<int> percent(std::string_view text) {
  if (text.size() < 2 || text.back() != '%') return std::nullopt;
  return number(text.substr(0, text.size() - 1), 4);
}

void parse_level(const YAML::Node& node, std::size_t index, const Entry& list, routing::RuleSetSpec& spec,
                 Reader& r) {
  const std::string number_label = "escalation #" + std::to_string(index);
  auto body = r.mapping(node, node.IsNull() ? r.where(list) : r.where(node), number_label);
  if (!body) return;
  routing::EscalationSpec out;
  out.where = r.where(node);
  std::string context = "in " + number_label;
  if (const Entry* e = body->find("id")) {
    if (auto id = r.non_empty_string(*e, context)) {
      out.id = *id;
      context = "in escalation " + quote(*id);
    }
  } else {
    r.missing_key(*body, "id", context);
  }
  r.check_keys(*body, context, kLevelKeys);
  for (std::string_view required : {"at", "action"})
    if (!body->find(required)) r.missing_key(*body, required, context);
  if (const Entry* e = body->find("at")) {
    if (auto text = r.string(*e, context)) {
      if (auto p = percent(*text)) out.percent = *p;
      else r.error(r.where(*e), "invalid share " + quote(*text) + " for " + entry_name(*e, context) +
                                    " (expected a whole percentage of the SLA, like \"80%\" or \"150%\")");
    }
  }
  if (const Entry* e = body->find("of")) {
    if (auto text = r.string(*e, context)) {
      if (*text == "first_response") out.sla = routing::SlaKind::first_response;
      else if (*text == "resolution") out.sla = routing::SlaKind::resolution;
      else r.error(r.where(*e), "unknown SLA " + quote(*text) + " for " + entry_name(*e, context) +
                                    " (expected first_response or resolution)");
    }
  }
  std::optional<EscalationAction> action;
  if (const Entry* e = body->find("action")) {
    if (auto text = r.string(*e, context)) {
      for (const auto& [name, a] : kActions)
        if (*text == name) action = a;
      if (!action)
        r.error(r.where(*e), "unknown action " + quote(*text) + " " + context +
                                 " (expected one of: notify_assignee, notify_head, reassign, webhook)");
    }
  }
  if (action) out.action = *action;
  // Each action takes exactly the keys it uses, so a `url` on a reassign level is not
  // silently ignored.
  auto allowed_for = [&](std::string_view key, EscalationAction owner, const char* what, std::string& into) {
    const Entry* e = body->find(key);
    if (!action) return;
    if (e && *action != owner) {
      r.error(r.where(e->key_node), quote(key) + " " + context + " belongs to " + what + " levels only");
    } else if (e) {
      into = r.non_empty_string(*e, context).value_or("");
    } else if (*action == owner && key != "secret_env") {
      r.missing_key(*body, key, context);
    }
  };
  allowed_for("to", EscalationAction::reassign, "reassign", out.department);
  allowed_for("url", EscalationAction::webhook, "webhook", out.url);
  allowed_for("secret_env", EscalationAction::webhook, "webhook", out.secret_env);
  spec.escalations.push_back(std::move(out));
}

}  // namespace

void parse_calendar(const Entry& entry, routing::RuleSetSpec& spec, Reader& r) {
  const std::string context = "in calendar";
  auto body = r.mapping(entry, "at top level");
  if (!body) return;
  r.check_keys(*body, context, kCalendarKeys);
  for (std::string_view required : {"time_zone", "working_days", "hours"})
    if (!body->find(required)) r.missing_key(*body, required, context);
  routing::CalendarSpec out;
  out.where = r.where(entry.key_node);
  if (const Entry* e = body->find("time_zone")) out.time_zone = r.non_empty_string(*e, context).value_or("");
  if (const Entry* e = body->find("working_days")) {
    for (const std::string& day : r.strings(*e, context).value_or(std::vector<std::string>{})) {
      int iso = 0;
      for (std::size_t i = 0; i < std::size(kWeekdays); ++i)
        if (day == kWeekdays[i]) iso = static_cast<int>(i) + 1;
      if (iso == 0)
        r.error(r.where(*e), "unknown working day " + quote(day) + " " + context +
                                 " (expected mon, tue, wed, thu, fri, sat or sun)");
      else
        out.working_days.push_back(iso);
    }
  }
  if (const Entry* e = body->find("hours")) {
    for (const std::string& text : r.strings(*e, context, true).value_or(std::vector<std::string>{})) {
      if (auto hours = working_hours(text)) out.hours.push_back(*hours);
      else r.error(r.where(*e), "invalid working hours " + quote(text) + " " + context +
                                    " (expected \"HH:MM-HH:MM\", like \"09:00-18:00\")");
    }
  }
  if (const Entry* e = body->find("holidays")) {
    for (const std::string& text : r.strings(*e, context).value_or(std::vector<std::string>{})) {
      if (auto date = civil_date(text)) out.holidays.push_back(*date);
      else r.error(r.where(*e), "invalid holiday " + quote(text) + " " + context +
                                    " (expected a date as YYYY-MM-DD)");
    }
  }
  spec.calendar = std::move(out);
}

void parse_priority_slas(const Entry& entry, routing::RuleSetSpec& spec, Reader& r) {
  auto priorities = r.mapping(entry, "at top level");
  if (!priorities) return;
  r.check_duplicates(*priorities, "in \"priorities\"");
  for (const Entry& p : priorities->entries) {
    auto priority = parse_priority(Entry{p.key, p.key_node, p.key_node}, "in \"priorities\"", r);
    const std::string context = "in priority " + quote(p.key);
    auto body = r.mapping(p.value, r.where(p), "priority " + quote(p.key));
    if (!priority || !body) continue;
    r.check_keys(*body, context, kPriorityKeys);
    routing::PrioritySlaSpec out;
    out.priority = *priority;
    out.where = r.where(p.key_node);
    if (const Entry* e = body->find("first_response"))
      out.first_response = duration_entry(*e, context, r).value_or(out.first_response);
    if (const Entry* e = body->find("sla")) out.resolution = duration_entry(*e, context, r).value_or(out.resolution);
    spec.priority_slas.push_back(out);
  }
}

void parse_escalations(const Entry& entry, routing::RuleSetSpec& spec, Reader& r) {
  std::size_t index = 0;
  for (const YAML::Node& level : r.sequence(entry, "at top level").value_or(std::vector<YAML::Node>{}))
    parse_level(level, ++index, entry, spec, r);
}

}  // namespace triaged::rules
