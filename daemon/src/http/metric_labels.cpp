#include "http/metric_labels.h"

#include <algorithm>
#include <array>

namespace triaged::daemon {
namespace {

constexpr std::array<std::string_view, 14> kTicketAttributes = {
    "",      "subject", "body",           "topic",           "channel",         "fields",          "requester",
    "limit", "cursor",  "requester.name", "requester.email", "requester.phone", "Idempotency-Key", "on_missing"};

bool is_field_id(std::string_view name, const std::vector<std::string>& field_ids) {
  return std::ranges::any_of(field_ids, [&](const std::string& id) { return id == name; });
}

// "phone|email": every member a field id.
bool is_field_group(std::string_view name, const std::vector<std::string>& field_ids) {
  if (name.find('|') == std::string_view::npos) return false;
  while (true) {
    const auto bar = name.find('|');
    if (!is_field_id(name.substr(0, bar), field_ids)) return false;
    if (bar == std::string_view::npos) return true;
    name.remove_prefix(bar + 1);
  }
}

}  // namespace

std::string field_label(std::string_view field, const std::vector<std::string>& field_ids) {
  if (std::ranges::find(kTicketAttributes, field) != kTicketAttributes.end()) return std::string(field);
  constexpr std::string_view kFields = "fields.";
  const std::string_view id = field.starts_with(kFields) ? field.substr(kFields.size()) : field;
  if (is_field_id(id, field_ids) || is_field_group(field, field_ids)) return std::string(field);
  return "unknown";
}

std::string code_label(std::string_view code) {
  const bool ours = !code.empty() && code.size() <= 32 &&
                    std::ranges::all_of(code, [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; });
  return ours ? std::string(code) : "other";
}

std::string channel_label(std::string_view channel) {
  for (std::string_view known : {"api", "web", "phone", "email", "chat"})
    if (channel == known) return std::string(channel);
  return "other";
}

std::string rule_id_label(std::string_view id, const std::vector<std::string>& ids) {
  return std::ranges::find(ids, id) != ids.end() ? std::string(id) : "other";
}

}  // namespace triaged::daemon
