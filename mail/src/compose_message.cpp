// compose_message: GMime builds and encodes the message (RFC 2047 words, quoted-printable,
// folding); this file only keeps caller strings from smuggling in line breaks.
#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "gmime_support.h"
#include "mail/message.h"
#include "text_utf8.h"

namespace triaged::mail {
namespace {

using detail::GObjectPtr;

// A CR or LF in a header value would let a subject taken from customer mail add headers.
std::string one_line(std::string_view value) { return detail::unfold_header_value(detail::clean_utf8(value)); }

bool is_valid_header_name(std::string_view name) {
  if (name.empty()) return false;
  for (const char c : name) {
    if (c <= ' ' || c >= 0x7F || c == ':') return false;
  }
  return true;
}

std::string bracketed(std::string_view id) { return "<" + detail::without_angle_brackets(one_line(id)) + ">"; }

// UTF-8 names rather than GMime's "best" pick (ISO-8859-5 for Russian): every client reads it.
void add_mailbox(InternetAddressList* list, const Address& address) {
  GObjectPtr<InternetAddress> mailbox(
      internet_address_mailbox_new(one_line(address.name).c_str(), one_line(address.address).c_str()));
  internet_address_set_charset(mailbox.get(), "utf-8");
  internet_address_list_add(list, mailbox.get());
}

struct FormatOptionsFree {
  void operator()(GMimeFormatOptions* options) const { g_mime_format_options_free(options); }
};

GObjectPtr<GMimePart> utf8_text_part(std::string_view text) {
  std::string body = detail::clean_utf8(text);
  if (!body.empty() && body.back() != '\n') body += '\n';
  GObjectPtr<GMimeTextPart> part(g_mime_text_part_new_with_subtype("plain"));
  GObjectPtr<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(body.data(), body.size()));
  GObjectPtr<GMimeDataWrapper> content(
      g_mime_data_wrapper_new_with_stream(stream.get(), GMIME_CONTENT_ENCODING_DEFAULT));
  g_mime_part_set_content(GMIME_PART(part.get()), content.get());
  // Not g_mime_text_part_set_text: it would pick the "best" charset, e.g. ISO-8859-1.
  g_mime_object_set_content_type_parameter(GMIME_OBJECT(part.get()), "charset", "utf-8");
  g_mime_part_set_content_encoding(GMIME_PART(part.get()), GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
  return GObjectPtr<GMimePart>(GMIME_PART(part.release()));
}

}  // namespace

std::string compose_message(const OutgoingMessage& outgoing) {
  detail::ensure_gmime_initialised();
  GObjectPtr<GMimeMessage> message(g_mime_message_new(TRUE));
  auto* object = GMIME_OBJECT(message.get());

  add_mailbox(g_mime_message_get_from(message.get()), outgoing.from);
  add_mailbox(g_mime_message_get_to(message.get()), outgoing.to);
  g_mime_message_set_subject(message.get(), one_line(outgoing.subject).c_str(), "utf-8");

  const auto seconds =
      std::chrono::duration_cast<std::chrono::seconds>(outgoing.date.time_since_epoch()).count();
  GDateTime* date = g_date_time_new_from_unix_utc(seconds);
  if (date != nullptr) {
    g_mime_message_set_date(message.get(), date);
    g_date_time_unref(date);
  }
  if (!outgoing.message_id.empty()) {
    g_mime_message_set_message_id(message.get(), detail::without_angle_brackets(one_line(outgoing.message_id)).c_str());
  }
  if (!outgoing.in_reply_to.empty()) {
    g_mime_object_set_header(object, "In-Reply-To", bracketed(outgoing.in_reply_to).c_str(), nullptr);
  }
  if (!outgoing.references.empty()) {
    std::string references;
    for (const auto& id : outgoing.references) {
      if (!references.empty()) references += ' ';
      references += bracketed(id);
    }
    g_mime_object_set_header(object, "References", references.c_str(), nullptr);
  }
  for (const auto& [name, value] : outgoing.extra_headers) {
    if (!is_valid_header_name(name)) continue;
    g_mime_object_append_header(object, name.c_str(), one_line(value).c_str(), "utf-8");
  }

  GObjectPtr<GMimePart> body = utf8_text_part(outgoing.text);
  g_mime_message_set_mime_part(message.get(), GMIME_OBJECT(body.get()));

  std::unique_ptr<GMimeFormatOptions, FormatOptionsFree> format(g_mime_format_options_new());
  g_mime_format_options_set_newline_format(format.get(), GMIME_NEWLINE_FORMAT_DOS);
  GObjectPtr<GMimeStream> sink(g_mime_stream_mem_new());
  g_mime_object_write_to_stream(object, format.get(), sink.get());
  GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(sink.get()));
  return bytes == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(bytes->data), bytes->len);
}

}  // namespace triaged::mail
