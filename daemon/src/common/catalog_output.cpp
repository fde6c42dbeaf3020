// The rule-set-shaped answers: the schema a form builds itself from, and the queues.
#include <boost/json.hpp>

#include "common/json_output.h"
#include "routing/rule_spec.h"

namespace triaged::daemon {

namespace json = boost::json;

namespace {

json::array strings(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v) a.push_back(json::value(s));
  return a;
}

json::object field_to_json(const routing::FieldSpec& f) {
  json::object o{{"id", f.id}, {"title", f.title}, {"type", routing::to_string(f.type)}};
  if (f.pattern) o["pattern"] = *f.pattern;
  if (f.min) o["min"] = *f.min;
  if (f.max) o["max"] = *f.max;
  if (!f.values.empty()) o["values"] = strings(f.values);
  o["extracted_from_text"] = !f.extract.empty();
  o["remembered"] = f.remember || f.id == "name" || f.id == "email" || f.id == "phone";
  return o;
}

}  // namespace

json::object schema_to_json(const routing::RuleSet& rules) {
  const routing::RuleSetSpec& spec = rules.spec();
  json::array departments, fields, templates, topics;
  for (const auto& d : spec.departments) departments.push_back({{"id", d.id}, {"title", d.title}});
  for (const auto& f : routing::fields_of(rules)) fields.push_back(field_to_json(f));
  for (const auto& t : spec.templates) {
    json::array groups;
    for (const auto& g : t.at_least_one_of) groups.push_back(strings(g));
    templates.push_back({{"id", t.id}, {"required", strings(t.required)}, {"optional", strings(t.optional)},
                         {"at_least_one_of", std::move(groups)}});
  }
  for (const auto& t : spec.topics)
    topics.push_back({{"id", t.id}, {"title", t.title}, {"department", t.department},
                      {"template", t.template_id.empty() ? json::value(nullptr) : json::value(t.template_id)},
                      {"priority", routing::to_string(t.priority)}, {"sla_seconds", t.sla.count()},
                      {"default", t.is_default}});
  return {{"name", spec.name},           {"version", spec.version},   {"languages", strings(spec.languages)},
          {"departments", departments},  {"fields", fields},          {"templates", templates},
          {"topics", topics}};
}

json::array queues_to_json(const routing::RuleSet& rules, const std::vector<storage::QueueStats>& stats,
                           std::chrono::system_clock::time_point now) {
  json::array out;
  auto render = [&](const std::string& id, const std::string& title, const storage::QueueStats* s) {
    json::object by_status;
    if (s)
      for (const auto& [status, n] : s->by_status) by_status[status] = n;
    json::value oldest = nullptr;
    if (s && s->oldest_open_created_at)
      oldest = std::chrono::duration_cast<std::chrono::seconds>(now - *s->oldest_open_created_at).count();
    out.push_back({{"department", id}, {"title", title}, {"by_status", std::move(by_status)},
                   {"open", s ? s->open : 0}, {"overdue", s ? s->overdue : 0},
                   {"oldest_open_age_seconds", oldest}});
  };
  std::vector<bool> shown(stats.size(), false);
  for (const auto& d : rules.spec().departments) {
    const storage::QueueStats* found = nullptr;
    for (std::size_t i = 0; i < stats.size(); ++i)
      if (stats[i].department == d.id) found = &stats[i], shown[i] = true;
    render(d.id, d.title, found);
  }
  // Tickets routed by an older rule set to a department that no longer exists stay visible.
  for (std::size_t i = 0; i < stats.size(); ++i)
    if (!shown[i]) render(stats[i].department, "", &stats[i]);
  return out;
}

}  // namespace triaged::daemon
