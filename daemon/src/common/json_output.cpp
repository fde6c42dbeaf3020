#include "common/json_output.h"

#include <boost/json.hpp>

#include <cmath>
#include <ctime>

namespace triaged::daemon {

namespace json = boost::json;

std::string format_time(std::chrono::system_clock::time_point t) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

json::object decision_to_json(const routing::Decision& d, TraceDetail detail) {
  json::object o;
  o["topic"] = d.topic;
  o["topic_title"] = d.topic_title;
  o["department"] = d.department;
  o["template"] = d.template_id;
  o["priority"] = routing::to_string(d.priority);
  o["source"] = routing::to_string(d.source);
  o["confidence"] = std::round(d.confidence * 1000) / 1000;
  o["runner_up"] = d.runner_up.empty() ? json::value(nullptr) : json::value(d.runner_up);
  if (d.model) {
    const routing::ModelOpinion& m = *d.model;
    json::array words;
    for (const auto& w : m.top_words) words.push_back({{"feature", w.feature}, {"weight", std::round(w.weight * 1000) / 1000}});
    o["model"] = {{"version", m.version},
                  {"topic", m.topic},
                  {"confidence", std::round(m.confidence * 1000) / 1000},
                  {"runner_up", m.runner_up},
                  {"decided", m.decided},
                  {"agrees", m.agrees},
                  {"words", std::move(words)}};
  }
  o["sla_seconds"] = d.sla.count();
  o["due_at"] = d.has_due() ? json::value(format_time(d.due_at)) : json::value(nullptr);
  json::object fields;
  for (const auto& [id, f] : d.fields) {
    json::object field{{"value", f.value}, {"source", f.source}};
    if (!f.from.empty()) field["from"] = f.from;
    fields[id] = std::move(field);
  }
  o["fields"] = std::move(fields);
  json::array problems;
  for (const auto& p : d.problems) problems.push_back({{"field", p.field}, {"code", p.code}, {"message", p.message}});
  o["problems"] = std::move(problems);
  json::array trace;
  for (const auto& topic : d.trace) {
    json::array conditions;
    for (const auto& c : topic.conditions) {
      if (detail == TraceDetail::held && !c.matched) continue;
      json::array matches;
      for (const auto& m : c.matches)
        matches.push_back({{"field", m.field}, {"offset", m.offset}, {"length", m.length}, {"text", m.text}});
      conditions.push_back({{"path", c.path}, {"condition", c.description}, {"matched", c.matched},
                            {"matches", std::move(matches)}});
    }
    json::object tried{{"topic", topic.topic}, {"matched", topic.matched}, {"conditions", std::move(conditions)}};
    if (topic.matched) tried["score"] = topic.score;
    if (topic.ruled_out) tried["ruled_out"] = true;
    trace.push_back(std::move(tried));
  }
  o["trace"] = std::move(trace);
  return o;
}

json::object ticket_to_json(const storage::StoredTicket& t, const std::vector<storage::TicketEvent>* events) {
  json::object o;
  o["id"] = t.id;
  o["ref"] = t.ref;
  o["status"] = t.status;
  o["assignee"] = t.assignee;
  o["topic"] = t.topic;
  o["department"] = t.department;
  o["priority"] = routing::to_string(t.priority);
  o["due_at"] = t.due_at ? json::value(format_time(*t.due_at)) : json::value(nullptr);
  o["created_at"] = format_time(t.created_at);
  o["updated_at"] = format_time(t.updated_at);
  o["channel"] = t.ticket.channel;
  o["subject"] = t.ticket.subject;
  o["body"] = t.ticket.body;
  o["requester"] = {{"name", t.ticket.requester.name}, {"email", t.ticket.requester.email},
                    {"phone", t.ticket.requester.phone}};
  json::object fields;
  for (const auto& [k, v] : t.ticket.fields) fields[k] = v;
  o["fields"] = std::move(fields);
  o["rules_version"] = t.rules_version;
  boost::system::error_code ec;
  json::value decision = json::parse(t.decision_json, ec);
  o["decision"] = ec ? json::value(nullptr) : std::move(decision);
  if (events) {
    json::array list;
    for (const auto& e : *events) {
      json::value data = json::parse(e.data_json, ec);
      list.push_back({{"at", format_time(e.at)}, {"kind", e.kind}, {"data", ec ? json::value(nullptr) : data}});
    }
    o["events"] = std::move(list);
  }
  return o;
}

json::array messages_to_json(const std::vector<storage::StoredMessage>& messages) {
  json::array out;
  for (const auto& m : messages) {
    json::array attachments;
    for (const auto& a : m.attachments) {
      json::object o{{"id", a.id},           {"filename", a.filename}, {"content_type", a.content_type},
                     {"size", a.size},       {"sha256", a.sha256},     {"inline", a.is_inline},
                     {"dropped", a.dropped}};
      if (a.dropped) o["drop_reason"] = a.drop_reason;
      else o["url"] = "/api/v1/attachments/" + std::to_string(a.id);
      attachments.push_back(std::move(o));
    }
    json::object o{{"id", m.id},
                   {"at", format_time(m.at)},
                   {"direction", m.direction},
                   {"kind", m.kind},
                   {"channel", m.channel},
                   {"mailbox", m.mailbox},
                   {"message_id", m.message_id},
                   {"from", {{"name", m.from_name}, {"address", m.from_address}}},
                   {"to", m.to_address},
                   {"subject", m.subject},
                   {"text", m.text},
                   {"attachments", std::move(attachments)}};
    if (m.raw_size > 0) {
      o["raw_size"] = m.raw_size;
      o["raw_url"] = "/api/v1/messages/" + std::to_string(m.id) + "/raw";
    }
    out.push_back(std::move(o));
  }
  return out;
}

}  // namespace triaged::daemon
