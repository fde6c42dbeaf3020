#include "message_headers.h"

#include <algorithm>

#include "gmime_support.h"
#include "text_utf8.h"

namespace triaged::mail::detail {
namespace {

std::string clean_header_text(const char* value) {
  if (value == nullptr) return {};
  return unfold_header_value(clean_utf8(value));
}

void append_addresses(InternetAddressList* list, std::vector<Address>& out, int depth) {
  if (list == nullptr || depth > 4) return;
  const int count = internet_address_list_length(list);
  for (int i = 0; i < count; ++i) {
    InternetAddress* address = internet_address_list_get_address(list, i);
    if (INTERNET_ADDRESS_IS_MAILBOX(address)) {
      auto* mailbox = INTERNET_ADDRESS_MAILBOX(address);
      out.push_back(Address{clean_header_text(internet_address_get_name(address)),
                            clean_header_text(internet_address_mailbox_get_addr(mailbox))});
    } else if (INTERNET_ADDRESS_IS_GROUP(address)) {
      append_addresses(internet_address_group_get_members(INTERNET_ADDRESS_GROUP(address)), out, depth + 1);
    }
  }
}

// The first element of an address list: up to the first comma outside quotes and comments.
std::string_view first_list_element(std::string_view value) {
  bool quoted = false;
  int comment_depth = 0;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    if (c == '\\') {
      ++i;
    } else if (quoted) {
      quoted = c != '"';
    } else if (c == '"') {
      quoted = true;
    } else if (c == '(') {
      ++comment_depth;
    } else if (c == ')' && comment_depth > 0) {
      --comment_depth;
    } else if (c == ',' && comment_depth == 0) {
      return value.substr(0, i);
    }
  }
  return value;
}

}  // namespace

std::optional<Address> unbracketed_first_mailbox(GMimeParserOptions* options, std::string_view raw_value) {
  const std::string element = unfold_header_value(first_list_element(raw_value));
  if (element.find_first_of("<>") != std::string::npos) return std::nullopt;
  // The last whitespace-separated word outside quotes that holds an "@" is the address; a
  // display name must come before it.
  bool quoted = false;
  std::size_t word_start = 0;
  std::optional<std::size_t> address_start;
  for (std::size_t i = 0; i <= element.size(); ++i) {
    const bool end = i == element.size();
    if (!end && element[i] == '"') quoted = !quoted;
    if (end || (!quoted && element[i] == ' ')) {
      const std::string_view word = std::string_view(element).substr(word_start, i - word_start);
      if (word.find('@') != std::string_view::npos && word.find('"') == std::string_view::npos) address_start = word_start;
      word_start = i + 1;
    }
  }
  if (!address_start || *address_start == 0) return std::nullopt;
  const std::string address(trim(std::string_view(element).substr(*address_start)));
  if (address.find(' ') != std::string::npos) return std::nullopt;  // words after the address: not this form
  std::string phrase(trim(std::string_view(element).substr(0, *address_start)));
  if (phrase.size() >= 2 && phrase.front() == '"' && phrase.back() == '"') {
    std::string unquoted;
    for (std::size_t i = 1; i + 1 < phrase.size(); ++i) {
      if (phrase[i] == '\\' && i + 2 < phrase.size()) ++i;
      unquoted += phrase[i];
    }
    phrase = std::move(unquoted);
  }
  GCharPtr name(g_mime_utils_header_decode_phrase(options, phrase.c_str()));
  return Address{clean_header_text(name.get()), address};
}

bool is_usable_address(const Address& address) {
  const std::string_view a = address.address;
  const std::size_t at = a.find('@');
  return at != std::string_view::npos && at > 0 && at + 1 < a.size() &&
         a.find_first_of(" \t\"'<>(),;") == std::string_view::npos && a.find("=?") == std::string_view::npos;
}

bool has_usable_address(const std::vector<Address>& addresses) {
  return std::ranges::any_of(addresses, is_usable_address);
}

std::vector<Address> salvage_addresses(GMimeParserOptions* options, std::string_view raw_value) {
  const std::string raw(raw_value);
  GCharPtr decoded(g_mime_utils_header_decode_text(options, raw.c_str()));
  std::string text = unfold_header_value(clean_utf8(decoded ? decoded.get() : raw.c_str()));
  std::string_view inner = text;
  while (inner.size() >= 2 && (inner.front() == '"' || inner.front() == '\'') && inner.back() == inner.front()) {
    inner = trim(inner.substr(1, inner.size() - 2));
  }
  const std::string candidate(inner);
  std::vector<Address> addresses;
  if (InternetAddressList* list = internet_address_list_parse(options, candidate.c_str())) {
    addresses = read_addresses(list);
    g_object_unref(list);
  }
  if (has_usable_address(addresses)) return addresses;
  if (std::optional<Address> unbracketed = unbracketed_first_mailbox(options, candidate)) return {*unbracketed};
  // The first word with an "@", stripped of the punctuation around it.
  std::size_t start = 0;
  while (start < candidate.size()) {
    const std::size_t end = std::min(candidate.find_first_of(" \t,;", start), candidate.size());
    std::string_view word = std::string_view(candidate).substr(start, end - start);
    while (!word.empty() && std::string_view("<(\"'[").find(word.front()) != std::string_view::npos) word.remove_prefix(1);
    while (!word.empty() && std::string_view(">)\"'].").find(word.back()) != std::string_view::npos) word.remove_suffix(1);
    Address address{"", std::string(word)};
    if (is_usable_address(address)) return {address};
    start = end + 1;
  }
  return {};
}

const char* first_raw_header(GMimeObject* object, const char* name) {
  GMimeHeaderList* list = g_mime_object_get_header_list(object);
  if (list == nullptr) return nullptr;
  const int count = g_mime_header_list_get_count(list);
  for (int i = 0; i < count; ++i) {
    GMimeHeader* header = g_mime_header_list_get_header_at(list, i);
    const char* header_name = g_mime_header_get_name(header);
    if (header_name != nullptr && g_ascii_strcasecmp(header_name, name) == 0) return g_mime_header_get_raw_value(header);
  }
  return nullptr;
}

std::vector<Address> read_addresses(InternetAddressList* list) {
  std::vector<Address> addresses;
  append_addresses(list, addresses, 0);
  return addresses;
}

std::string format_address(const Address& address) {
  if (address.name.empty()) return address.address;
  if (address.address.empty()) return address.name;
  return address.name + " <" + address.address + ">";
}

std::vector<std::string> parse_message_ids(GMimeParserOptions* options, const char* value) {
  std::vector<std::string> ids;
  if (value == nullptr) return ids;
  GMimeReferences* references = g_mime_references_parse(options, value);
  if (references == nullptr) return ids;
  const int count = g_mime_references_length(references);
  for (int i = 0; i < count; ++i) {
    std::string id = clean_header_text(g_mime_references_get_message_id(references, i));
    if (!id.empty()) ids.push_back(std::move(id));
  }
  g_mime_references_free(references);
  return ids;
}

std::string message_id_of(GMimeMessage* message) {
  return without_angle_brackets(clean_header_text(g_mime_message_get_message_id(message)));
}

std::map<std::string, std::string> read_header_map(GMimeObject* object, std::size_t max_value_bytes) {
  std::map<std::string, std::string> headers;
  GMimeHeaderList* list = g_mime_object_get_header_list(object);
  if (list == nullptr) return headers;
  const int count = g_mime_header_list_get_count(list);
  for (int i = 0; i < count; ++i) {
    GMimeHeader* header = g_mime_header_list_get_header_at(list, i);
    const char* name = g_mime_header_get_name(header);
    if (name == nullptr) continue;
    std::string key = ascii_lower(clean_utf8(name));
    if (key.empty() || headers.contains(key)) continue;
    std::string value = clean_header_text(g_mime_header_get_value(header));
    value = std::string(cut_at_utf8_boundary(value, max_value_bytes));
    headers.emplace(std::move(key), std::move(value));
  }
  return headers;
}

}  // namespace triaged::mail::detail
