#include "automatic_mail.h"

#include <string>
#include <string_view>
#include <utility>

#include "text_utf8.h"

namespace triaged::mail::detail {
namespace {

// "auto-replied; foo=bar (comment)" -> "auto-replied".
std::string bare_keyword(std::string_view value) {
  const std::size_t end = value.find_first_of(";(");
  return ascii_lower(trim(value.substr(0, end)));
}

const std::string* header(const ParsedMessage& message, const std::string& name) {
  const auto it = message.headers.find(name);
  return it == message.headers.end() ? nullptr : &it->second;
}

std::string local_part(std::string_view address) {
  return ascii_lower(address.substr(0, address.find('@')));
}

std::string reason_from_headers(const ParsedMessage& message) {
  if (const auto* value = header(message, "auto-submitted")) {
    const std::string keyword = bare_keyword(*value);
    if (!keyword.empty() && keyword != "no") return "Auto-Submitted: " + keyword;
  }
  for (const auto& [key, display] : {std::pair{"x-autoreply", "X-Autoreply"}, std::pair{"x-autorespond", "X-Autorespond"}}) {
    if (const auto* value = header(message, key)) {
      return std::string(display) + " header" + (value->empty() ? "" : ": " + *value);
    }
  }
  if (const auto* value = header(message, "precedence")) {
    const std::string keyword = bare_keyword(*value);
    if (keyword == "bulk" || keyword == "junk" || keyword == "list" || keyword == "auto_reply") {
      return "Precedence: " + keyword;
    }
  }
  if (header(message, "x-auto-response-suppress") != nullptr) return "X-Auto-Response-Suppress header";
  if (const auto* value = header(message, "return-path")) {
    const std::string_view path = trim(*value);
    if (path.empty() || path == "<>") return "empty Return-Path (a bounce or notification)";
  }
  return {};
}

}  // namespace

void classify_automatic(const BodyFindings& findings, const ParseOptions& options, ParsedMessage& message) {
  const std::string loop_name = ascii_lower(trim(options.loop_header));
  message.has_loop_header = !loop_name.empty() && message.headers.contains(loop_name);

  const bool delivery_report = findings.is_report && findings.report_type == "delivery-status";
  const std::string sender = local_part(message.from.address);
  const bool from_mailer = sender == "mailer-daemon" || sender == "postmaster";
  message.is_bounce = delivery_report || from_mailer;
  if (delivery_report) {
    message.bounced_message_ids = findings.report_message_ids;
  } else if (from_mailer) {
    message.bounced_message_ids = findings.enclosed_message_ids;
  }

  std::string reason;
  if (message.has_loop_header) {
    reason = "carries our loop header " + std::string(trim(options.loop_header));
  } else if (delivery_report) {
    reason = "delivery status notification";
  } else if (findings.is_report) {
    reason = "multipart/report" + (findings.report_type.empty() ? "" : " (" + findings.report_type + ")");
  } else if (from_mailer) {
    reason = "sent by " + sender + " (a bounce)";
  } else {
    reason = reason_from_headers(message);
  }
  message.automatic_reason = std::move(reason);
}

}  // namespace triaged::mail::detail
