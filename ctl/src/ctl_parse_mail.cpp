#include "ctl_parse_mail.h"

#include <boost/json.hpp>

#include <cstdio>
#include <fstream>
#include <algorithm>
#include <map>
#include <sstream>

#include "mail/message.h"
#include "mail_source.h"
#include "progress.h"

namespace triaged::cli {
namespace {

namespace json = boost::json;

json::object address_json(const mail::Address& a) { return {{"name", a.name}, {"address", a.address}}; }

json::object parsed_json(const mail::ParsedMessage& m, bool with_text) {
  json::array to, attachments;
  for (const auto& a : m.to) to.push_back(address_json(a));
  for (const auto& a : m.attachments) {
    json::object o{{"filename", a.filename}, {"content_type", a.content_type}, {"size", a.size},
                   {"inline", a.is_inline}, {"sha256", a.sha256}};
    if (a.dropped) o["dropped"] = a.drop_reason;
    attachments.push_back(std::move(o));
  }
  json::object o{{"message_id", m.message_id},
                 {"in_reply_to", m.in_reply_to},
                 {"references", json::value_from(m.references)},
                 {"subject", m.subject},
                 {"ticket_tag", mail::find_ticket_tag(m.subject).value_or("")},
                 {"from", address_json(m.from)},
                 {"to", std::move(to)},
                 {"automatic", m.automatic_reason},
                 {"no_auto_reply", m.no_auto_reply_reason},
                 {"bounce", m.is_bounce},
                 {"text_from_html", m.text_from_html},
                 {"attachments", std::move(attachments)},
                 {"warnings", json::value_from(m.warnings)}};
  if (with_text) o["text"] = m.text;
  o["text_for_rules"] = m.text_for_rules;
  return o;
}

// A message worth an admin's look, and how bad it is (to keep the worst).
struct Worst {
  int score = 0;
  std::string where;
  std::vector<std::string> problems;
};

struct Summary {
  std::size_t messages = 0, unparseable = 0, empty_text = 0, with_replacement = 0, guessed = 0, missing_sender = 0,
              robots = 0, bounces = 0, truncated = 0, clean = 0;
  std::map<std::string, std::size_t> charsets, robot_reasons;
  std::vector<Worst> worst;

  static constexpr std::size_t kWorstKept = 20;

  void add(const SourceMessage& source) {
    ++messages;
    Worst w{0, source.where, {}};
    if (source.truncated) ++truncated, w.score += 20, w.problems.push_back("cut: larger than the message limit");
    auto parsed = mail::parse_message(source.raw);
    if (!parsed) {
      ++unparseable;
      w.score += 100;
      w.problems.push_back("cannot be parsed: " + parsed.error().reason);
      return keep(std::move(w));
    }
    const mail::ReadingQuality q = mail::reading_quality(*parsed);
    if (q.automatic) ++robots, ++robot_reasons[parsed->automatic_reason];
    if (q.bounce) ++bounces;
    if (q.clean() && !source.truncated) ++clean;
    if (q.empty_text) ++empty_text, w.score += 30, w.problems.push_back("no readable text");
    if (q.missing_sender) ++missing_sender, w.score += q.automatic ? 0 : 20, w.problems.push_back("no sender address");
    if (q.replacement_characters > 0) {
      ++with_replacement;
      w.score += static_cast<int>(std::min<std::size_t>(q.replacement_characters, 50));
      w.problems.push_back(std::to_string(q.replacement_characters) + " U+FFFD");
    }
    if (!q.guessed_charsets.empty()) ++guessed, w.score += 1;
    for (const auto& c : q.guessed_charsets) {
      ++charsets[c];
      w.problems.push_back("charset guessed: " + c);
    }
    if (q.automatic) w.score = std::min(w.score, 1);  // a robot's mail is never a ticket: rarely worth a look
    keep(std::move(w));
  }

  void keep(Worst w) {
    if (w.score == 0) return;
    worst.push_back(std::move(w));
    std::stable_sort(worst.begin(), worst.end(), [](const Worst& a, const Worst& b) { return a.score > b.score; });
    if (worst.size() > kWorstKept) worst.pop_back();
  }

  json::object to_json() const {
    json::array w;
    for (const auto& x : worst) w.push_back(json::object{{"where", x.where}, {"problems", json::value_from(x.problems)}});
    json::object c, r;
    for (const auto& [k, v] : charsets) c[k] = v;
    for (const auto& [k, v] : robot_reasons) r[k] = v;
    return {{"messages", messages}, {"clean", clean},   {"unparseable", unparseable},
            {"truncated", truncated}, {"empty_text", empty_text}, {"with_replacement_characters", with_replacement},
            {"guessed_charset", guessed}, {"guessed_charsets", std::move(c)}, {"missing_sender", missing_sender},
            {"robots", robots}, {"robot_reasons", std::move(r)}, {"bounces", bounces}, {"worst", std::move(w)}};
  }

  void print() const {
    const auto pct = [&](std::size_t n) { return messages ? 100.0 * static_cast<double>(n) / static_cast<double>(messages) : 0.0; };
    std::printf("%zu messages, %zu read cleanly (%.1f%%)\n", messages, clean, pct(clean));
    std::printf("  cannot be parsed (would be quarantined)  %zu\n", unparseable);
    std::printf("  cut at the size limit                    %zu\n", truncated);
    std::printf("  no readable text                         %zu\n", empty_text);
    std::printf("  with U+FFFD (bytes lost)                 %zu\n", with_replacement);
    std::printf("  charset guessed                          %zu\n", guessed);
    for (const auto& [k, v] : charsets) std::printf("    %-38s %zu\n", k.c_str(), v);
    std::printf("  no sender address                        %zu\n", missing_sender);
    std::printf("  robots (never a ticket of their own)     %zu\n", robots);
    for (const auto& [k, v] : robot_reasons) std::printf("    %-38s %zu\n", k.c_str(), v);
    std::printf("  bounces                                  %zu\n", bounces);
    if (worst.empty()) return;
    std::printf("worst messages:\n");
    for (const auto& x : worst) {
      std::string problems;
      for (const auto& p : x.problems) problems += (problems.empty() ? "" : "; ") + p;
      std::printf("  %s: %s\n", x.where.c_str(), problems.c_str());
    }
  }
};

}  // namespace

int parse_mail_summary(const std::vector<std::string>& paths, bool as_json) {
  auto source = MailSource::detect(paths);
  if (!source) {
    std::fprintf(stderr, "triagectl parse-mail: %s\n", source.error().c_str());
    return 1;
  }
  Summary summary;
  Progress progress("read");
  while (auto m = source->next()) {
    summary.add(*m);
    progress.update(summary.messages, source->done_fraction());
  }
  progress.finish();
  if (as_json) std::printf("%s\n", json::serialize(summary.to_json()).c_str());
  else summary.print();
  return 0;
}

int parse_mail_files(const std::vector<std::string>& paths, bool with_text) {
  int failed = 0;
  for (const auto& path : paths) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream raw;
    raw << in.rdbuf();
    if (!in) {
      std::fprintf(stderr, "%s: cannot read\n", path.c_str());
      ++failed;
      continue;
    }
    auto parsed = mail::parse_message(raw.str());
    if (!parsed) {
      std::fprintf(stderr, "%s: %s (the daemon would quarantine it)\n", path.c_str(), parsed.error().reason.c_str());
      ++failed;
      continue;
    }
    json::object o = parsed_json(*parsed, with_text);
    o["file"] = path;
    std::printf("%s\n", json::serialize(o).c_str());
  }
  return failed == 0 ? 0 : 1;
}

}  // namespace triaged::cli
