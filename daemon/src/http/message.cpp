#include "http/message.h"

#include <algorithm>
#include <cctype>

namespace triaged::daemon {
namespace {

bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

std::string_view Headers::get(std::string_view name) const {
  for (const auto& [n, v] : fields_)
    if (same_name(n, name)) return v;
  return {};
}

bool Headers::has(std::string_view name) const {
  return std::any_of(fields_.begin(), fields_.end(), [&](const Field& f) { return same_name(f.first, name); });
}

void Headers::set(std::string_view name, std::string value) {
  std::erase_if(fields_, [&](const Field& f) { return same_name(f.first, name); });
  add(name, std::move(value));
}

void Headers::add(std::string_view name, std::string value) { fields_.emplace_back(std::string(name), std::move(value)); }

}  // namespace triaged::daemon
