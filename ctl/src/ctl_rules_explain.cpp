// triagectl explain: one ticket through the rules as the daemon loads them, and why it went
// where it went, in words an admin reads top to bottom: the decision, every topic tried with
// every condition evaluated, the words that matched in their sentence, then the fields.
#include <unistd.h>

#include <boost/json/serialize.hpp>

#include <chrono>
#include <cstdio>

#include "ctl_rules.h"
#include "common/json_output.h"
#include "rules/rules.h"

namespace triaged::cli {
namespace {

// "1d12h", "24h", "90m": as rule sets write durations.
std::string duration_text(std::chrono::seconds s) {
  long long left = s.count();
  std::string out;
  for (auto [unit, size] : {std::pair{"d", 86400LL}, std::pair{"h", 3600LL}, std::pair{"m", 60LL}, std::pair{"s", 1LL}}) {
    if (left >= size) {
      out += std::to_string(left / size) + unit;
      left %= size;
    }
  }
  return out.empty() ? "0s" : out;
}

const char* source_text(routing::TopicSource s) {
  switch (s) {
    case routing::TopicSource::operator_choice: return "operator (the ticket names its topic)";
    case routing::TopicSource::rules: return "rules";
    case routing::TopicSource::model: return "model (where the rule set lets it decide)";
    case routing::TopicSource::default_topic: return "default (no topic's conditions hold)";
  }
  return "";
}

// A leaf under an odd number of `not`s: its match keeps the topic from matching.
bool inside_not(const std::string& path) {
  std::size_t nots = 0;
  for (auto at = path.find(".not"); at != std::string::npos; at = path.find(".not", at + 4)) ++nots;
  return nots % 2 == 1;
}

// Two keywords of one leaf can match the same words ("теплый", "теплым" share a stem);
// routing lists the span once per keyword, the reader needs it once.
bool repeats(const routing::ConditionTrace& leaf, const routing::TextMatch& m) {
  for (const auto& earlier : leaf.matches) {
    if (&earlier == &m) return false;
    if (earlier.field == m.field && earlier.offset == m.offset && earlier.length == m.length) return true;
  }
  return false;
}

void print_decision(const routing::Decision& d) {
  std::printf("topic:      %s \"%s\"\n", d.topic.c_str(), d.topic_title.c_str());
  std::printf("department: %s\n", d.department.c_str());
  std::printf("priority:   %s\n", routing::to_string(d.priority));
  if (d.has_due())
    std::printf("sla:        %s, due %s if received now\n", duration_text(d.sla).c_str(),
                daemon::format_time(d.due_at).c_str());
  else
    std::printf("sla:        none\n");
  std::printf("template:   %s\n", d.template_id.empty() ? "(none)" : d.template_id.c_str());
  std::printf("source:     %s\n", source_text(d.source));
  std::printf("confidence: %.0f%%%s\n", d.confidence * 100,
              d.runner_up.empty() ? "" : (", runner-up " + d.runner_up).c_str());
  if (d.model) {
    const auto& m = *d.model;
    std::string words;
    for (const auto& w : m.top_words) words += (words.empty() ? "" : ", ") + w.feature;
    std::printf("model:      %s %.0f%% (runner-up %s %.0f%%)%s; weighed most: %s\n", m.topic.c_str(),
                m.confidence * 100, m.runner_up.c_str(), m.runner_up_confidence * 100,
                m.decided ? ", decided" : (m.agrees ? ", agrees" : ", disagrees"), words.c_str());
  }
}

void print_trace(const routing::Ticket& ticket, const routing::Decision& d, bool ansi) {
  std::printf("\ntrace (topics in order, up to the runner-up; conditions skipped by short-circuit are\n"
              "not listed):\n");
  if (d.trace.empty()) std::printf("  (none: the ticket names its topic, so no conditions were evaluated)\n");
  for (const auto& tried : d.trace) {
    if (tried.matched)
      std::printf("  %-6s %s (score %g)\n", "MATCH", tried.topic.c_str(), tried.score);
    else
      std::printf("  %-6s %s%s\n", "no", tried.topic.c_str(), tried.ruled_out ? " (ruled out by unless)" : "");
    for (const auto& leaf : tried.conditions) {
      std::printf("         %-4s %s  %s%s\n", leaf.matched ? "ok" : "fail", leaf.path.c_str(),
                  leaf.description.c_str(), inside_not(leaf.path) ? "  (inside not: ok blocks the topic)" : "");
      for (const auto& m : leaf.matches) {
        if (repeats(leaf, m)) continue;
        std::printf("              %s@%zu+%zu: %s\n", m.field.c_str(), m.offset, m.length,
                    in_context(text_of(ticket, m.field), m, ansi).c_str());
      }
    }
  }
  if (d.source == routing::TopicSource::default_topic)
    std::printf("  %-6s %s (default)\n", "MATCH", d.topic.c_str());
}

void print_fields(const routing::Decision& d) {
  std::printf("\nfields%s:\n", d.template_id.empty() ? "" : (" (template " + d.template_id + ")").c_str());
  if (d.fields.empty()) std::printf("  (none found)\n");
  for (const auto& [id, f] : d.fields) std::printf("  %s = \"%s\" (%s)\n", id.c_str(), f.value.c_str(), f.source.c_str());
  std::string missing, invalid;
  for (const auto& p : d.problems) {
    std::string& list = p.code == "missing" ? missing : invalid;
    list += "\n  " + p.field + ": " + p.message;
  }
  std::printf("missing:%s\n", missing.empty() ? " none" : missing.c_str());
  std::printf("invalid:%s\n", invalid.empty() ? " none" : invalid.c_str());
}

}  // namespace

int explain_ticket(const std::string& rules_path, const std::string& ticket_path, bool json) {
  auto loaded = rules::load_rules_file(rules_path);
  if (!loaded) {
    for (const auto& d : loaded.error()) std::fprintf(stderr, "%s\n", d.to_string().c_str());
    std::fprintf(stderr, "%s: %zu error(s)\n", rules_path.c_str(), loaded.error().size());
    return 1;
  }
  auto ticket = read_ticket_file(ticket_path);
  if (!ticket) {
    std::fprintf(stderr, "%s\n", ticket.error().c_str());
    return 1;
  }
  if (!ticket->topic.empty() && !loaded->rules->has_topic(ticket->topic))
    std::fprintf(stderr, "%s: unknown topic \"%s\": the API would reject this ticket; routing ignores it\n",
                 ticket_path.c_str(), ticket->topic.c_str());
  const routing::Decision d = route(*loaded->rules, *ticket, std::chrono::system_clock::now(), routing::Trace::every_topic);
  if (json) {
    std::printf("%s\n", boost::json::serialize(daemon::decision_to_json(d)).c_str());
    return 0;
  }
  std::printf("%s with %s (%s)\n\n", ticket_path.c_str(), rules_path.c_str(), loaded->version.c_str());
  print_decision(d);
  print_trace(*ticket, d, ::isatty(STDOUT_FILENO) == 1);
  print_fields(d);
  return 0;
}

}  // namespace triaged::cli
