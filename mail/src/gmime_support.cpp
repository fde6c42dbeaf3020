#include "gmime_support.h"

#include <mutex>

#include "text_utf8.h"

namespace triaged::mail::detail {

void ensure_gmime_initialised() {
  static std::once_flag once;
  std::call_once(once, [] { g_mime_init(); });
}

ParserOptionsPtr make_parser_options(const std::vector<std::string>& fallback_charsets) {
  ParserOptionsPtr options(g_mime_parser_options_new());
  g_mime_parser_options_set_address_compliance_mode(options.get(), GMIME_RFC_COMPLIANCE_LOOSE);
  g_mime_parser_options_set_parameter_compliance_mode(options.get(), GMIME_RFC_COMPLIANCE_LOOSE);
  g_mime_parser_options_set_rfc2047_compliance_mode(options.get(), GMIME_RFC_COMPLIANCE_LOOSE);
  g_mime_parser_options_set_allow_addresses_without_domain(options.get(), TRUE);
  std::vector<const char*> names;
  for (const auto& name : fallback_charsets) names.push_back(name.c_str());
  names.push_back(nullptr);
  // GMime copies the names, so the vector may die after this call.
  g_mime_parser_options_set_fallback_charsets(options.get(), names.data());
  return options;
}

GObjectPtr<GMimeMessage> construct_message(std::string_view raw, GMimeParserOptions* options) {
  GObjectPtr<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(raw.data(), raw.size()));
  GObjectPtr<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
  g_mime_parser_set_format(parser.get(), GMIME_FORMAT_MESSAGE);
  return GObjectPtr<GMimeMessage>(g_mime_parser_construct_message(parser.get(), options));
}

namespace {

std::string take_bytes(GMimeStream* stream) {
  GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(stream));
  if (bytes == nullptr || bytes->len == 0) return {};
  return std::string(reinterpret_cast<const char*>(bytes->data), bytes->len);
}

}  // namespace

std::string decoded_content(GMimePart* part) {
  GMimeDataWrapper* content = g_mime_part_get_content(part);
  if (content == nullptr) return {};
  GObjectPtr<GMimeStream> sink(g_mime_stream_mem_new());
  g_mime_data_wrapper_write_to_stream(content, sink.get());
  return take_bytes(sink.get());
}

std::string serialised(GMimeObject* object) {
  GObjectPtr<GMimeStream> sink(g_mime_stream_mem_new());
  g_mime_object_write_to_stream(object, nullptr, sink.get());
  return take_bytes(sink.get());
}

std::string mime_type_of(GMimeObject* object) {
  GMimeContentType* type = g_mime_object_get_content_type(object);
  if (type == nullptr) return "application/octet-stream";
  GCharPtr name(g_mime_content_type_get_mime_type(type));
  if (!name) return "application/octet-stream";
  return ascii_lower(name.get());
}

std::string enriched_to_html(std::string_view text, bool richtext) {
  GObjectPtr<GMimeStream> sink(g_mime_stream_mem_new());
  GObjectPtr<GMimeStream> filtered(g_mime_stream_filter_new(sink.get()));
  GObjectPtr<GMimeFilter> filter(g_mime_filter_enriched_new(richtext ? GMIME_FILTER_ENRICHED_IS_RICHTEXT : 0));
  g_mime_stream_filter_add(GMIME_STREAM_FILTER(filtered.get()), filter.get());
  g_mime_stream_write(filtered.get(), text.data(), text.size());
  g_mime_stream_flush(filtered.get());
  return take_bytes(sink.get());
}

std::string without_angle_brackets(std::string_view id) {
  id = trim(id);
  if (id.size() >= 2 && id.front() == '<' && id.back() == '>') id = id.substr(1, id.size() - 2);
  return std::string(trim(id));
}

}  // namespace triaged::mail::detail
