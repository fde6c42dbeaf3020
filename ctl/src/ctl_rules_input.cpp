// Reading tickets for `triagectl test` and `explain` the way the daemon's channels read them:
// an .eml through the mail parser and ticket_from_mail (the email ingest's path), anything
// else as the JSON body POST /api/v1/tickets accepts (ticket_input's parser).
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "ctl_rules.h"
#include "mail/message.h"
#include "intake/mail_ticket.h"
#include "intake/ticket_input.h"

namespace triaged::cli {
namespace {

// Context shown on each side of a match: enough to read the phrase it sits in, short enough
// that a long body does not drown the trace.
constexpr std::size_t kContextBytes = 60;

bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

bool ends_sentence(char c) { return c == '.' || c == '!' || c == '?' || c == '\n'; }

std::string one_line(std::string_view s) {
  std::string out(s);
  std::replace_if(out.begin(), out.end(), [](char c) { return c == '\n' || c == '\r' || c == '\t'; }, ' ');
  return out;
}

}  // namespace

std::expected<std::string, std::string> read_whole_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::unexpected(path + ": cannot open: " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return std::unexpected(path + ": cannot read: " + std::strerror(errno));
  return text.str();
}

bool is_eml_path(const std::string& path) {
  if (path.size() < 4) return false;
  std::string ext = path.substr(path.size() - 4);
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext == ".eml";
}

std::expected<routing::Ticket, std::string> read_ticket_file(const std::string& path) {
  auto text = read_whole_file(path);
  if (!text) return std::unexpected(text.error());
  if (is_eml_path(path)) {
    auto parsed = mail::parse_message(*text);
    if (!parsed) return std::unexpected(path + ": not a readable mail: " + parsed.error().reason);
    return daemon::ticket_from_mail(*parsed);
  }
  auto ticket = daemon::ticket_from_json(*text);
  if (!ticket) {
    std::string why = path + ": not a ticket the API would accept: " + ticket.error().detail;
    for (const auto& e : ticket.error().errors)
      if (!e.field.empty()) why += "; " + e.field + ": " + e.message;
    return std::unexpected(why);
  }
  return std::move(*ticket);
}

std::string text_of(const routing::Ticket& ticket, const std::string& field) {
  if (field == "subject") return ticket.subject;
  if (field == "body") return ticket.body;
  if (field == "from") return ticket.requester.email;
  if (field == "channel") return ticket.channel;
  if (field == "from_domain") {
    const auto at = ticket.requester.email.rfind('@');
    return at == std::string::npos ? "" : ticket.requester.email.substr(at + 1);
  }
  if (field.starts_with("field.")) {
    auto it = ticket.fields.find(field.substr(6));
    return it == ticket.fields.end() ? "" : it->second;
  }
  if (field.starts_with("header.")) {
    std::string name = field.substr(7);
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    auto it = ticket.headers.find(name);
    return it == ticket.headers.end() ? "" : it->second;
  }
  return "";
}

std::string in_context(const std::string& text, const routing::TextMatch& match, bool ansi) {
  const std::string open = ansi ? "\033[1m" : "[[", close = ansi ? "\033[0m" : "]]";
  if (match.offset + match.length > text.size() || text.compare(match.offset, match.length, match.text) != 0)
    return open + one_line(match.text) + close;  // the text is not the one matched; show the span alone
  std::size_t begin = match.offset;
  while (begin > 0 && !ends_sentence(text[begin - 1]) && match.offset - begin < kContextBytes) --begin;
  while (begin < match.offset && is_continuation(static_cast<unsigned char>(text[begin]))) ++begin;
  const bool cut_before = begin > 0 && !ends_sentence(text[begin - 1]);
  const std::size_t match_end = match.offset + match.length;
  std::size_t end = match_end;
  while (end < text.size() && !ends_sentence(text[end]) && end - match_end < kContextBytes) ++end;
  while (end > match_end && end < text.size() && is_continuation(static_cast<unsigned char>(text[end]))) --end;
  if (end < text.size() && ends_sentence(text[end]) && text[end] != '\n') ++end;  // keep the full stop
  const bool cut_after = end < text.size() && !ends_sentence(text[end - 1]);
  std::string_view before(text.data() + begin, match.offset - begin);
  while (!before.empty() && (before.front() == ' ' || before.front() == '\n')) before.remove_prefix(1);
  std::string out = cut_before ? "..." : "";
  out += one_line(before) + open + one_line(match.text) + close;
  out += one_line(std::string_view(text.data() + match_end, end - match_end));
  return cut_after ? out + "..." : out;
}

}  // namespace triaged::cli
