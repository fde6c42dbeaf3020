#include "ctl_parse_mail.h"

#include <boost/json.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "mail/message.h"

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
                 {"bounce", m.is_bounce},
                 {"text_from_html", m.text_from_html},
                 {"attachments", std::move(attachments)},
                 {"warnings", json::value_from(m.warnings)}};
  if (with_text) o["text"] = m.text;
  o["text_for_rules"] = m.text_for_rules;
  return o;
}

}  // namespace

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
