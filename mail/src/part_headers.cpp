#include "part_headers.h"

#include <algorithm>
#include <array>

#include "gmime_support.h"
#include "text_utf8.h"

namespace triaged::mail::detail {
namespace {

const char* or_empty(const char* text) { return text != nullptr ? text : ""; }

// The parameter `name`'s value; an RFC 2231 one ("filename*=utf-8''...") wins over a plain one
// of the same name wherever they stand, as in mail clients. nullptr if there is none.
const char* preferred_parameter(GMimeParamList* list, const char* name) {
  if (list == nullptr) return nullptr;
  const char* plain = nullptr;
  const int count = g_mime_param_list_length(list);
  for (int i = 0; i < count; ++i) {
    GMimeParam* param = g_mime_param_list_get_parameter_at(list, i);
    const char* param_name = g_mime_param_get_name(param);
    if (param_name == nullptr || g_ascii_strcasecmp(param_name, name) != 0) continue;
    if (g_mime_param_get_encoding_method(param) == GMIME_PARAM_ENCODING_METHOD_RFC2231) {
      return g_mime_param_get_value(param);
    }
    if (plain == nullptr) plain = g_mime_param_get_value(param);
  }
  return plain;
}

// What a Content-Type GMime could not read means. RFC 2045 says an invalid one means text/plain;
// a media type without a subtype whose top level is binary ("image; name=a.png") stays an
// attachment. Returns the type to use and the parameters to keep, or "" when GMime's reading
// stands (the header is absent, valid, or really application/octet-stream).
std::string repaired_content_type(std::string_view raw_value) {
  std::string value = ascii_lower(trim(raw_value));
  std::erase(value, '"');
  const std::size_t semicolon = value.find(';');
  std::string type(trim(std::string_view(value).substr(0, semicolon)));
  std::erase_if(type, [](char c) { return c == ' ' || c == '\t'; });
  if (type.starts_with("application/octet-stream")) return {};
  const std::string top = type.substr(0, type.find('/'));
  const std::string parameters = semicolon == std::string::npos ? "" : std::string(raw_value.substr(raw_value.find(';')));
  if (type.find('/') != std::string::npos && type.find('/') + 1 < type.size()) return type + parameters;
  for (const char* binary : {"image", "audio", "video", "application", "model", "font", "multipart", "message"}) {
    if (top == binary) return {};
  }
  return "text/plain" + parameters;
}

}  // namespace

bool is_attachment_disposition(GMimeObject* object) {
  GMimeContentDisposition* disposition = g_mime_object_get_content_disposition(object);
  return disposition != nullptr && g_mime_content_disposition_is_attachment(disposition);
}

std::string filename_of(GMimeObject* object) {
  const char* name = nullptr;
  if (GMimeContentDisposition* disposition = g_mime_object_get_content_disposition(object)) {
    name = preferred_parameter(g_mime_content_disposition_get_parameters(disposition), "filename");
  }
  if (name == nullptr) {
    if (GMimeContentType* type = g_mime_object_get_content_type(object)) {
      name = preferred_parameter(g_mime_content_type_get_parameters(type), "name");
    }
  }
  return unfold_header_value(clean_utf8(or_empty(name)));
}

bool repair_content_type(GMimeObject* object, GMimeParserOptions* parser_options, std::vector<std::string>& warnings) {
  if (mime_type_of(object) != "application/octet-stream") return false;
  const char* header = g_mime_object_get_header(object, "Content-Type");
  if (header == nullptr) return false;
  const std::string raw_value = header;  // setting the type below frees `header`
  const std::string repaired = repaired_content_type(raw_value);
  if (repaired.empty()) return false;
  GObjectPtr<GMimeContentType> type(g_mime_content_type_parse(parser_options, repaired.c_str()));
  if (!type) return false;
  const GCharPtr name(g_mime_content_type_get_mime_type(type.get()));
  if (!name || g_ascii_strcasecmp(name.get(), "application/octet-stream") == 0) return false;
  g_mime_object_set_content_type(object, type.get());
  warnings.push_back("Content-Type \"" + unfold_header_value(clean_utf8(raw_value)) + "\" is invalid; read as " +
                     mime_type_of(object) + " (RFC 2045)");
  return true;
}

void prefer_first_content_type(GMimeObject* object, GMimeParserOptions* parser_options) {
  GMimeHeaderList* list = g_mime_object_get_header_list(object);
  if (list == nullptr) return;
  const char* first = nullptr;
  int seen = 0;
  const int count = g_mime_header_list_get_count(list);
  for (int i = 0; i < count; ++i) {
    GMimeHeader* header = g_mime_header_list_get_header_at(list, i);
    const char* name = g_mime_header_get_name(header);
    if (name == nullptr || g_ascii_strcasecmp(name, "Content-Type") != 0) continue;
    if (first == nullptr) first = g_mime_header_get_raw_value(header);
    ++seen;
  }
  if (seen < 2 || first == nullptr) return;
  GObjectPtr<GMimeContentType> type(g_mime_content_type_parse(parser_options, first));
  if (type) g_mime_object_set_content_type(object, type.get());
}

bool repair_transfer_encoding(GMimePart* part, std::vector<std::string>& warnings) {
  if (g_mime_part_get_content_encoding(part) != GMIME_CONTENT_ENCODING_DEFAULT) return false;
  const char* header = g_mime_object_get_header(GMIME_OBJECT(part), "Content-Transfer-Encoding");
  if (header == nullptr) return false;
  std::string name = ascii_lower(trim(std::string_view(header).substr(0, std::string_view(header).find(';'))));
  std::erase_if(name, [](char c) { return c == ' ' || c == '\t' || c == '-' || c == '_' || c == '"'; });
  GMimeContentEncoding encoding = GMIME_CONTENT_ENCODING_DEFAULT;
  if (name == "base64") {
    encoding = GMIME_CONTENT_ENCODING_BASE64;
  } else if (name == "quotedprintable" || name == "qp") {
    encoding = GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE;
  } else if (name == "uuencode" || name == "xuuencode" || name == "xuue" || name == "uue") {
    encoding = GMIME_CONTENT_ENCODING_UUENCODE;
  }
  GMimeDataWrapper* content = g_mime_part_get_content(part);
  if (encoding == GMIME_CONTENT_ENCODING_DEFAULT || content == nullptr) return false;
  g_mime_data_wrapper_set_encoding(content, encoding);
  warnings.push_back("Content-Transfer-Encoding \"" + unfold_header_value(clean_utf8(header)) + "\" read as " +
                     g_mime_content_encoding_to_string(encoding));
  return true;
}

std::string charset_label(GMimeObject* object) {
  if (const char* charset = g_mime_object_get_content_type_parameter(object, "charset")) return charset;
  const char* header = g_mime_object_get_header(object, "Content-Type");
  if (header == nullptr) return {};
  const std::string value = ascii_lower(header);
  const std::size_t at = value.find("charset");
  if (at == std::string::npos) return {};
  std::size_t start = value.find_first_not_of(" \t", at + 7);
  if (start == std::string::npos || (value[start] != '=' && value[start] != ':')) return {};
  start = value.find_first_not_of(" \t\"'", start + 1);
  if (start == std::string::npos) return {};
  std::size_t end = start;
  while (end < value.size() && (g_ascii_isalnum(value[end]) || value[end] == '-' || value[end] == '_' || value[end] == '.' || value[end] == ':')) ++end;
  return value.substr(start, end - start);
}

bool is_readable_text(std::string_view type) {
  if (!type.starts_with("text/")) return false;
  constexpr std::array<std::string_view, 6> kMachine = {"text/calendar", "text/x-vcard", "text/vcard",
                                                        "text/directory", "text/rfc822-headers", "text/x-vcalendar"};
  return std::ranges::find(kMachine, type) == kMachine.end();
}

// Both forms: <meta charset="x"> and <meta http-equiv=... content="text/html; charset=x">.
std::string html_meta_charset(std::string_view html) {
  const std::string head = ascii_lower(html.substr(0, 4096));
  for (std::size_t meta = head.find("<meta"); meta != std::string::npos; meta = head.find("<meta", meta + 5)) {
    const std::size_t close = std::min(head.find('>', meta), head.size());
    const std::size_t at = head.find("charset", meta);
    if (at == std::string::npos || at > close) continue;
    std::size_t start = head.find_first_not_of(" \t\"'=", at + 7);
    if (start == std::string::npos || start > close) continue;
    std::size_t end = start;
    while (end < close && (g_ascii_isalnum(head[end]) || head[end] == '-' || head[end] == '_' || head[end] == '.' || head[end] == ':')) ++end;
    if (end > start) return head.substr(start, end - start);
  }
  return {};
}

}  // namespace triaged::mail::detail
