// Cutting a reply down to what the sender newly wrote, so rules match the customer's words and
// not our own quoted auto-reply. Heuristic by nature: each marker below is one that a common
// client (Gmail, Outlook, Apple Mail, Thunderbird, Yandex, Mail.ru) really writes.
#include <string>
#include <string_view>
#include <vector>

#include "mail/message.h"
#include "text_utf8.h"

namespace triaged::mail {
namespace {

using detail::is_blank;
using detail::starts_with_ignoring_ascii_case;
using detail::trim;

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) {
      lines.push_back(text.substr(start));
      break;
    }
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

bool contains(std::string_view text, std::string_view part) { return text.find(part) != std::string_view::npos; }
bool contains_digit(std::string_view text) { return text.find_first_of("0123456789") != std::string_view::npos; }
bool is_quoted(std::string_view line) { return trim(line).starts_with('>'); }

bool is_forward_marker(std::string_view line) {
  const std::string lower = detail::ascii_lower(line);
  return contains(lower, "forwarded message") || contains(line, "Пересылаемое сообщение") ||
         contains(line, "Пересланное сообщение") || contains(lower, "begin forwarded message");
}

bool is_original_message_marker(std::string_view line) {
  const std::string_view t = trim(line);
  if (!t.starts_with("--")) return false;
  const std::string lower = detail::ascii_lower(t);
  return contains(lower, "original message") || contains(t, "Исходное сообщение") ||
         contains(lower, "ursprüngliche nachricht");
}

// "On Mon, 1 Dec 2026 at 10:00, Shop <x@y> wrote:", "01.12.2026 10:00, Магазин пишет:",
// "пн, 1 дек. 2026 г. в 10:00, Shop <x@y>:". Gmail wraps long ones, so the line after counts.
bool is_attribution(const std::vector<std::string_view>& lines, std::size_t i) {
  const std::string_view line = trim(lines[i]);
  if (line.empty()) return false;
  const std::string_view joined_next = i + 1 < lines.size() ? trim(lines[i + 1]) : std::string_view();
  auto attribution_end = [](std::string_view l) {
    return l.ends_with("wrote:") || l.ends_with("пишет:") || l.ends_with("писал:") ||
           l.ends_with("писала:") || l.ends_with("писал(а):") || l.ends_with("написал:") ||
           l.ends_with("написала:") || l.ends_with("schrieb:") || l.ends_with("a écrit :");
  };
  if (attribution_end(line)) return contains_digit(line) || contains(line, "@") || line.starts_with("On ");
  if (line.ends_with(">:") && contains(line, "@") && contains_digit(line)) return true;
  if (line.starts_with("On ") && contains_digit(line) && attribution_end(joined_next)) return true;
  return false;
}

bool is_outlook_header_start(std::string_view line) {
  const std::string_view t = trim(line);
  return starts_with_ignoring_ascii_case(t, "From:") || starts_with_ignoring_ascii_case(t, "*From:*") ||
         t.starts_with("От:") || t.starts_with("*От:*");
}

bool is_outlook_date_line(std::string_view line) {
  const std::string_view t = trim(line);
  for (const std::string_view key : {"Sent:", "*Sent:*", "Date:", "*Date:*", "Отправлено:", "*Отправлено:*",
                                     "Дата:", "*Дата:*"}) {
    if (starts_with_ignoring_ascii_case(t, key)) return true;
  }
  return false;
}

bool is_underscore_rule(std::string_view line) {
  const std::string_view t = trim(line);
  return t.size() >= 10 && t.find_first_not_of('_') == std::string_view::npos;
}

// An Outlook "From: / Sent: / To: / Subject:" block that is history, not a forward.
bool is_outlook_block(const std::vector<std::string_view>& lines, std::size_t i) {
  if (!is_outlook_header_start(lines[i])) return false;
  bool dated = false;
  for (std::size_t j = i + 1; j < lines.size() && j <= i + 4; ++j) dated = dated || is_outlook_date_line(lines[j]);
  if (!dated) return false;
  for (std::size_t j = i; j-- > 0;) {
    if (is_blank(lines[j]) || is_underscore_rule(lines[j])) continue;
    return !is_forward_marker(lines[j]);
  }
  return true;
}

bool is_signature_start(std::string_view line) {
  if (line == "-- " || line == "--") return true;
  const std::string_view t = trim(line);
  if (t.size() > 80) return false;
  return t.starts_with("Sent from my ") || t.starts_with("Sent from Mail for") ||
         t.starts_with("Get Outlook for ") || t.starts_with("Отправлено с ") ||
         t.starts_with("Отправлено из ") || t.starts_with("Sent from Yahoo Mail");
}

}  // namespace

std::string trim_quoted_and_signature(std::string_view text) {
  const std::vector<std::string_view> lines = split_lines(text);
  std::size_t cut = lines.size();
  for (std::size_t i = 0; i < lines.size() && cut == lines.size(); ++i) {
    if (is_original_message_marker(lines[i]) || is_attribution(lines, i) || is_signature_start(lines[i])) {
      cut = i;
    } else if (is_outlook_block(lines, i)) {
      cut = i;
      // The rule Outlook draws above the block belongs to the history too.
      while (cut > 0 && (is_blank(lines[cut - 1]) || is_underscore_rule(lines[cut - 1]))) --cut;
    }
  }
  std::string kept;
  for (std::size_t i = 0; i < cut; ++i) {
    if (is_quoted(lines[i])) continue;
    kept.append(lines[i]);
    kept += '\n';
  }
  const std::string_view result = trim(kept);
  if (result.empty() && !lines.empty() && !is_quoted(lines.front())) return std::string(text);
  return std::string(result);
}

}  // namespace triaged::mail
