#include "http/status_json.h"

#include <boost/json.hpp>

#include <algorithm>

#include "common/json_output.h"
#include "intake/acknowledgement.h"
#include "intake/email_steps.h"
#include "routing/rule_spec.h"

namespace triaged::daemon {
namespace {

namespace json = boost::json;

std::string topic_title(const routing::RuleSet& rules, const std::string& id) {
  for (const auto& t : rules.spec().topics)
    if (t.id == id) return t.title.empty() ? id : t.title;
  return id;
}

const routing::FieldSpec* field_spec(const std::vector<routing::FieldSpec>& fields, const std::string& id) {
  for (const auto& f : fields)
    if (f.id == id) return &f;
  return nullptr;
}

json::array missing_to_json(const routing::RuleSet& rules, const std::vector<routing::FieldProblem>& problems,
                            const std::string& language) {
  const auto fields = routing::fields_of(rules);
  json::array out;
  for (const auto& p : problems) {
    std::size_t start = 0;
    for (;;) {
      const auto bar = p.field.find('|', start);
      const std::string id = p.field.substr(start, bar - start);
      json::object f{{"field", id}, {"title", field_titles(rules, id, language)}, {"code", p.code},
                     {"message", p.code == "missing" ? "" : p.message}, {"group", p.field}};
      const routing::FieldSpec* spec = field_spec(fields, id);
      f["type"] = spec ? routing::to_string(spec->type) : "string";
      json::array values;
      if (spec)
        for (const auto& v : spec->values) values.push_back(json::string(v));
      f["values"] = std::move(values);
      out.push_back(std::move(f));
      if (bar == std::string::npos) break;
      start = bar + 1;
    }
  }
  return out;
}

// Our mail as stored still has "{status_link}" (it is signed when sent); the customer is
// already on the page it opens, so the line that offers it goes.
std::string without_link_lines(const std::string& text) {
  std::string out;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    end = end == std::string::npos ? text.size() : end + 1;
    const std::string_view line(text.data() + start, end - start);
    if (line.find("{status_link}") == std::string_view::npos) out += line;
    start = end;
  }
  return out;
}

}  // namespace

std::vector<routing::FieldProblem> open_problems(const routing::RuleSet& rules, const storage::StoredTicket& ticket,
                                                 std::chrono::system_clock::time_point now) {
  if (ticket.status != "needs_info") return {};
  return email::recheck_needs_info(rules, ticket, ticket.ticket, now).decision.problems;
}

json::object status_to_json(const routing::RuleSet& rules, const storage::StoredTicket& ticket,
                            const std::vector<storage::StoredMessage>& thread, std::chrono::system_clock::time_point now) {
  const std::string language = customer_language(rules);
  json::object out{{"ref", ticket.ref},
                   {"status", ticket.status},
                   {"topic", topic_title(rules, ticket.topic)},
                   {"department", department_title(rules, ticket.department)},
                   {"created_at", format_time(ticket.created_at)},
                   {"language", language}};
  out["due_at"] = ticket.due_at ? json::value(format_time(*ticket.due_at)) : json::value(nullptr);
  out["due_text"] = ticket.due_at ? json::value(due_words(rules, *ticket.due_at, language)) : json::value(nullptr);
  json::array messages;
  // A ticket typed into a form keeps its text on the ticket, not in the thread: the customer
  // still sees what they wrote first. A mail's first message, and a form ticket's text once a
  // repeat joined it, are in the thread stamped with the ticket's creation; what the customer
  // adds later on this page is not, and must not hide their first report.
  const bool has_first = std::any_of(thread.begin(), thread.end(), [&](const auto& m) {
    return m.direction == "in" && m.at <= ticket.created_at;
  });
  if (!has_first) {
    const auto& t = ticket.ticket;
    messages.push_back(json::object{{"from", "you"},
                                    {"at", format_time(ticket.created_at)},
                                    {"text", t.subject.empty() ? t.body : t.subject + "\n\n" + t.body}});
  }
  for (const auto& m : thread) {
    messages.push_back(json::object{{"from", m.direction == "in" ? "you" : "support"},
                                    {"at", format_time(m.at)},
                                    {"text", without_link_lines(m.text)}});
  }
  out["messages"] = std::move(messages);
  out["missing"] = missing_to_json(rules, open_problems(rules, ticket, now), language);
  return out;
}

}  // namespace triaged::daemon
