// Labeled tickets for triagectl eval and train, from every form an admin has them in: the rule
// set's inline tests, YAML case files, .eml cases and JSON lines ({"subject", "body",
// "channel", "topic"}, as exported samples are). A case without an expected topic teaches
// nothing about topics and is left out.
#include <boost/json.hpp>

#include <filesystem>

#include "ctl_learn.h"
#include "ctl_rules.h"
#include "rules/cases.h"

namespace triaged::cli {
namespace {

void add_cases(const std::vector<rules::TestCase>& cases, std::vector<learn::Example>& out) {
  for (const auto& c : cases)
    if (c.expect.topic && c.ticket.topic.empty()) out.push_back({c.ticket, *c.expect.topic, c.where});
}

std::string member(const boost::json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::expected<void, std::string> add_jsonl(const std::string& path, const std::string& text,
                                           std::vector<learn::Example>& out) {
  std::size_t line_no = 0, start = 0;
  while (start < text.size()) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    const std::string_view line(text.data() + start, end - start);
    start = end + 1;
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    const std::string where = path + ":" + std::to_string(line_no);
    boost::system::error_code ec;
    const boost::json::value v = boost::json::parse(line, ec);
    if (ec || !v.is_object()) return std::unexpected(where + ": not a JSON object");
    const auto& o = v.as_object();
    learn::Example e;
    e.ticket.subject = member(o, "subject");
    e.ticket.body = member(o, "body");
    e.ticket.channel = member(o, "channel");
    e.topic = member(o, "topic");
    if (e.topic.empty()) e.topic = member(o, "expected_topic");
    if (e.topic.empty()) return std::unexpected(where + ": no \"topic\"");
    const std::string id = member(o, "id");
    e.origin = id.empty() ? where : where + " (" + id + ")";
    out.push_back(std::move(e));
  }
  return {};
}

}  // namespace

std::expected<std::vector<learn::Example>, std::string> labeled_examples(const std::string& rules_text,
                                                                         const std::string& rules_path,
                                                                         const std::vector<std::string>& files,
                                                                         bool with_inline) {
  std::vector<learn::Example> out;
  if (with_inline) add_cases(rules::inline_cases(rules_text, rules_path), out);
  for (const auto& path : files) {
    if (is_eml_path(path)) {
      auto test = eml_case(path);
      if (!test) return std::unexpected(test.error());
      add_cases({*test}, out);
      continue;
    }
    auto text = read_whole_file(path);
    if (!text) return std::unexpected(text.error());
    const std::string ext = std::filesystem::path(path).extension().string();
    if (ext == ".jsonl" || ext == ".ndjson" || ext == ".json") {
      if (auto added = add_jsonl(path, *text, out); !added) return std::unexpected(added.error());
      continue;
    }
    auto cases = rules::parse_cases_text(*text, path);
    if (!cases) {
      std::string all;
      for (const auto& d : cases.error()) all += (all.empty() ? "" : "\n") + d.to_string();
      return std::unexpected(all);
    }
    add_cases(*cases, out);
  }
  // The same ticket listed twice (an inline test that is also a sample) would count twice.
  std::vector<learn::Example> unique;
  for (auto& e : out) {
    const bool seen = std::any_of(unique.begin(), unique.end(), [&](const learn::Example& u) {
      return u.ticket.subject == e.ticket.subject && u.ticket.body == e.ticket.body;
    });
    if (!seen) unique.push_back(std::move(e));
  }
  return unique;
}

}  // namespace triaged::cli
