#include "body_walker.h"

#include <algorithm>
#include <array>
#include <optional>
#include <string_view>

#include "attachment_sink.h"
#include "charset_guess.h"
#include "gmime_support.h"
#include "message_headers.h"
#include "part_headers.h"
#include "text_utf8.h"

namespace triaged::mail::detail {
namespace {

// Deeper nesting than this is an attack or a bug, never real mail.
constexpr int kMaxDepth = 40;

enum class Mode {
  kTextAndAttachments,
  kAttachmentsOnly,  // an alternative we did not choose: its images still belong to the ticket
  kTextOnly,         // inside a forwarded message, whose parts travel in its .eml
};

const char* or_empty(const char* text) { return text != nullptr ? text : ""; }

bool wants_text(Mode mode) { return mode != Mode::kAttachmentsOnly; }
bool wants_attachments(Mode mode) { return mode != Mode::kTextOnly; }

std::string lower_parameter(GMimeObject* object, const char* name) {
  const char* value = g_mime_object_get_content_type_parameter(object, name);
  return value == nullptr ? std::string() : ascii_lower(trim(value));
}

// Whether an enclosed message is itself a delivery report (a person forwarding a bounce
// encloses one; a bounce encloses the original instead): a report, or from an MTA.
bool is_bounce_itself(GMimeMessage* message) {
  if (GMimeObject* root = g_mime_message_get_mime_part(message)) {
    const std::string type = mime_type_of(root);
    if (type == "multipart/report" || type == "message/delivery-status") return true;
  }
  const std::vector<Address> from = read_addresses(g_mime_message_get_from(message));
  if (from.empty()) return false;
  const std::string local = ascii_lower(std::string_view(from.front().address).substr(0, from.front().address.find('@')));
  return local == "mailer-daemon" || local == "postmaster";
}

// A file name for a forwarded message that names none: its subject, made safe for a file system.
std::string eml_name(std::string_view subject) {
  std::string name;
  for (const char c : subject) {
    name += (c == '/' || c == '\\' || c == ':' || c == '*' || c == '?' || c == '"' || c == '<' ||
             c == '>' || c == '|') ? '_' : c;
  }
  name = std::string(cut_at_utf8_boundary(trim(name), 100));
  return (name.empty() ? std::string("forwarded message") : name) + ".eml";
}

class BodyWalker {
 public:
  BodyWalker(GMimeParserOptions* parser_options, const ParseOptions& options,
             const std::vector<std::string>& sender_charsets, ParsedMessage& out)
      : parser_options_(parser_options),
        options_(options),
        sender_charsets_(sender_charsets),
        out_(out),
        sink_(options, out.attachments, out.warnings) {}

  void walk_message(GMimeMessage* message) {
    if (GMimeObject* root = g_mime_message_get_mime_part(message)) walk(root, Mode::kTextAndAttachments, 0);
  }

  std::string joined_text() const {
    std::string text;
    for (const auto& segment : *segments_) {
      if (!text.empty()) text += "\n\n";
      text += segment;
    }
    return text;
  }

  // The text of the first named text part, when no other part gave any text; with a warning.
  void use_fallback_body() {
    if (!fallback_body_ || !top_segments_.empty()) return;
    const FallbackBody& fallback = *fallback_body_;
    const std::string name = fallback.filename.empty() ? fallback.type : fallback.filename;
    std::string text = decode_text(fallback.part, "text part \"" + name + "\"");
    if (fallback.type == "text/html") {
      add_html_segment(std::move(text));
    } else if (fallback.type == "text/enriched" || fallback.type == "text/richtext") {
      add_html_segment(enriched_to_html(text, fallback.type == "text/richtext"));
    } else {
      add_segment(std::move(text));
    }
    if (!top_segments_.empty()) out_.warnings.push_back("no other body; the text part \"" + name + "\" read as the body");
  }

  BodyFindings findings;

 private:
  struct FallbackBody {
    std::string type;
    std::string filename;
    GMimePart* part;  // owned by the message being walked
  };

  void walk(GMimeObject* object, Mode mode, int depth) {
    if (depth > kMaxDepth) {
      out_.warnings.push_back("MIME structure nested deeper than " + std::to_string(kMaxDepth) +
                              " levels; the deeper parts were ignored");
      return;
    }
    if (GMIME_IS_MESSAGE_PART(object)) {
      walk_forwarded(GMIME_MESSAGE_PART(object), mode, depth);
    } else if (GMIME_IS_MULTIPART(object)) {
      walk_multipart(GMIME_MULTIPART(object), mode, depth);
    } else if (GMIME_IS_PART(object)) {
      walk_leaf(GMIME_PART(object), mode, depth);
    }
  }

  void walk_multipart(GMimeMultipart* multipart, Mode mode, int depth) {
    auto* object = GMIME_OBJECT(multipart);
    const std::string type = mime_type_of(object);
    const int count = g_mime_multipart_get_count(multipart);
    if (count == 0) return salvage_unsplit_multipart(multipart, type, mode, depth);
    if (type == "multipart/alternative") return walk_alternative(multipart, mode, depth);
    if (GMIME_IS_MULTIPART_SIGNED(multipart)) {
      // The second part is the signature: noise for a ticket.
      if (count > 0) walk(g_mime_multipart_get_part(multipart, 0), mode, depth + 1);
      return;
    }
    const bool report = type == "multipart/report";
    if (report && depth <= 1 && !findings.is_report) {
      findings.is_report = true;
      findings.report_type = lower_parameter(object, "report-type");
    }
    const bool was_in_report = in_report_;
    in_report_ = in_report_ || report;
    for (int i = 0; i < count; ++i) walk(g_mime_multipart_get_part(multipart, i), mode, depth + 1);
    in_report_ = was_in_report;
  }

  // GMime puts everything into the prologue when the declared boundary never occurs (or none
  // is declared). Real senders get this wrong, so re-split on the boundary the body actually
  // uses, or failing that keep the raw text rather than lose the customer's words.
  void salvage_unsplit_multipart(GMimeMultipart* multipart, const std::string& type, Mode mode, int depth) {
    const char* prologue = g_mime_multipart_get_prologue(multipart);
    if (prologue == nullptr || is_blank(prologue)) return;
    const std::string boundary = first_boundary_in(prologue);
    // Not g_mime_multipart_get_boundary: that invents a random boundary when none is declared.
    const char* declared = g_mime_object_get_content_type_parameter(GMIME_OBJECT(multipart), "boundary");
    if (!boundary.empty() && (declared == nullptr || boundary != declared)) {
      out_.warnings.push_back(type + " boundary \"" + std::string(declared != nullptr ? declared : "") +
                              "\" never occurs; split on \"" + boundary + "\" found in the body");
      const std::string rebuilt = "Content-Type: " + type + "; boundary=\"" + boundary + "\"\n\n" + prologue;
      GObjectPtr<GMimeMessage> reparsed = construct_message(rebuilt, parser_options_);
      if (reparsed) {
        // Kept until the walk is over: fallback_body_ may point into it.
        GMimeMessage* kept = reparsed_.emplace_back(std::move(reparsed)).get();
        if (GMimeObject* root = g_mime_message_get_mime_part(kept)) walk(root, mode, depth + 1);
        return;
      }
    }
    out_.warnings.push_back(type + " has no parts GMime could split; kept its content as text");
    if (wants_text(mode)) add_segment(clean_utf8(decode_to_utf8(prologue, "", "unsplit multipart", sender_charsets_).text));
  }

  // The first "--token" line, the opening delimiter the sender really used; "" if none.
  static std::string first_boundary_in(std::string_view body) {
    constexpr std::size_t kMaxBoundary = 70;  // RFC 2046
    std::size_t start = 0;
    while (start < body.size()) {
      const std::size_t end = std::min(body.find('\n', start), body.size());
      const std::string_view line = trim(body.substr(start, end - start));
      if (line.size() > 2 && line.starts_with("--") && line.size() - 2 <= kMaxBoundary &&
          line.find_first_of("\"\\") == std::string_view::npos) {
        return std::string(line.substr(2));
      }
      start = end + 1;
    }
    return {};
  }

  // text/plain wins unless it is blank; then the richest other alternative (the last, per RFC
  // 2046). The alternatives not chosen still give up their attachments.
  void walk_alternative(GMimeMultipart* multipart, Mode mode, int depth) {
    const int count = g_mime_multipart_get_count(multipart);
    int chosen = -1;
    for (int i = 0; i < count && chosen < 0; ++i) {
      GMimeObject* child = g_mime_multipart_get_part(multipart, i);
      if (GMIME_IS_PART(child) && mime_type_of(child) == "text/plain" && !is_attachment_disposition(child) &&
          !is_blank(decode_text(GMIME_PART(child), "text/plain part"))) {
        chosen = i;
      }
    }
    for (int i = count - 1; i >= 0 && chosen < 0; --i) {
      if (mime_type_of(g_mime_multipart_get_part(multipart, i)) != "text/plain") chosen = i;
    }
    if (chosen < 0 && count > 0) chosen = 0;
    for (int i = 0; i < count; ++i) {
      const Mode child_mode = i == chosen ? mode : Mode::kAttachmentsOnly;
      if (i != chosen && !wants_attachments(mode)) continue;
      walk(g_mime_multipart_get_part(multipart, i), child_mode, depth + 1);
    }
  }

  void walk_leaf(GMimePart* part, Mode mode, int depth) {
    auto* object = GMIME_OBJECT(part);
    prefer_first_content_type(object, parser_options_);
    repair_content_type(object, parser_options_, out_.warnings);
    repair_transfer_encoding(part, out_.warnings);
    const std::string type = mime_type_of(object);
    const std::string filename = filename_of(object);
    const bool is_text = type == "text/plain" || type == "text/html";
    const bool body_candidate = is_text && !is_attachment_disposition(object) && filename.empty();
    // A named text part (Netscape-era mail, gateways), a nameless one marked attachment, a
    // text/enriched or other readable text part, or a message that is nothing but one text part
    // is the body if nothing else is; decided once the walk is over.
    if (!body_candidate && is_readable_text(type) && wants_text(mode) && segments_ == &top_segments_ &&
        !fallback_body_ && (!is_attachment_disposition(object) || depth == 0 || filename.empty())) {
      fallback_body_ = FallbackBody{type, filename, part};
    }
    if (body_candidate) {
      if (!wants_text(mode)) return;
      if (type == "text/plain") {
        add_segment(decode_text(part, "text/plain part"));
      } else {
        add_html_segment(decode_text(part, "text/html part"));
      }
      return;
    }
    if (segments_ == &top_segments_) {
      findings.has_delivery_status |= type == "message/delivery-status" || type == "message/global-delivery-status";
      findings.has_feedback_report |= type == "message/feedback-report";
      findings.encloses_original |= type == "text/rfc822-headers";
    }
    if (type == "text/rfc822-headers") {
      GObjectPtr<GMimeMessage> headers = construct_message(decoded_content(part), parser_options_);
      const std::string id = headers ? message_id_of(headers.get()) : std::string();
      if (in_report_) {
        remember_report_id(id);
      } else if (!id.empty() && segments_ == &top_segments_) {
        findings.enclosed_message_ids.push_back(id);
      }
    }
    if (!wants_attachments(mode)) return;
    Attachment attachment;
    attachment.filename = filename;
    attachment.content_type = type;
    attachment.content_id = without_angle_brackets(clean_utf8(or_empty(g_mime_object_get_content_id(object))));
    const char* disposition = g_mime_object_get_disposition(object);
    attachment.is_inline = disposition != nullptr ? ascii_lower(disposition) == "inline"
                                                  : !attachment.content_id.empty();
    sink_.add(std::move(attachment), decoded_content(part));
  }

  void walk_forwarded(GMimeMessagePart* part, Mode mode, int depth) {
    GMimeMessage* inner = g_mime_message_part_get_message(part);
    if (inner == nullptr) return;
    const std::string subject = unfold_header_value(clean_utf8(or_empty(g_mime_message_get_subject(inner))));
    const std::string id = message_id_of(inner);
    if (segments_ == &top_segments_ && !in_report_) {
      findings.encloses_original = true;
      findings.encloses_bounce |= is_bounce_itself(inner);
    }
    if (!id.empty()) {
      findings.enclosed_message_ids.push_back(id);
      if (in_report_) remember_report_id(id);
    }
    // A bounce's copy of our own mail is evidence, not something the customer said.
    if (wants_text(mode) && !in_report_) add_segment(render_forwarded(inner, subject, depth));
    if (!wants_attachments(mode)) return;
    auto* object = GMIME_OBJECT(part);
    Attachment attachment;
    attachment.filename = filename_of(object);
    if (attachment.filename.empty()) attachment.filename = eml_name(subject);
    attachment.content_type = mime_type_of(object);
    const char* disposition = g_mime_object_get_disposition(object);
    attachment.is_inline = disposition == nullptr || ascii_lower(disposition) == "inline";
    sink_.add(std::move(attachment), serialised(GMIME_OBJECT(inner)));
  }

  std::string render_forwarded(GMimeMessage* inner, const std::string& subject, int depth) {
    std::vector<std::string> inner_segments;
    std::vector<std::string>* outer_segments = segments_;
    segments_ = &inner_segments;
    if (GMimeObject* root = g_mime_message_get_mime_part(inner)) walk(root, Mode::kTextOnly, depth + 1);
    const std::string inner_text = joined_text();
    segments_ = outer_segments;

    std::string rendering = "---------- Forwarded message ----------\n";
    const std::vector<Address> from = read_addresses(g_mime_message_get_from(inner));
    if (!from.empty()) rendering += "From: " + format_address(from.front()) + "\n";
    if (const char* date = g_mime_object_get_header(GMIME_OBJECT(inner), "Date")) {
      rendering += "Date: " + unfold_header_value(clean_utf8(date)) + "\n";
    }
    rendering += "Subject: " + subject + "\n";
    if (!inner_text.empty()) rendering += "\n" + inner_text;
    return rendering;
  }

  std::string decode_text(GMimePart* part, std::string_view what) {
    const std::string bytes = decoded_content(part);
    std::string label = charset_label(GMIME_OBJECT(part));
    // HTML often names its charset only in a <meta> tag.
    if (trim(label).empty() && mime_type_of(GMIME_OBJECT(part)) == "text/html") label = html_meta_charset(bytes);
    DecodedText decoded = decode_to_utf8(bytes, label, what, sender_charsets_);
    // walk_alternative decodes the plain part twice; say the guess once.
    if (!decoded.warning.empty() && std::ranges::find(out_.warnings, decoded.warning) == out_.warnings.end()) {
      out_.warnings.push_back(std::move(decoded.warning));
    }
    return clean_utf8(decoded.text);
  }

  void add_segment(std::string text) {
    const std::string_view trimmed = trim(text);
    if (!trimmed.empty()) segments_->emplace_back(trimmed);
  }

  void add_html_segment(std::string html) {
    if (html.size() > options_.max_html_bytes) {
      out_.warnings.push_back("HTML part of " + std::to_string(html.size()) + " bytes cut to " +
                              std::to_string(options_.max_html_bytes) + " before conversion");
      html.resize(cut_at_utf8_boundary(html, options_.max_html_bytes).size());
    }
    std::string text = html_to_text(html, options_.max_text_bytes + 1);
    if (!is_blank(text) && segments_ == &top_segments_) out_.text_from_html = true;
    add_segment(std::move(text));
  }

  void remember_report_id(const std::string& id) {
    if (id.empty()) return;
    for (const auto& known : findings.report_message_ids) {
      if (known == id) return;
    }
    findings.report_message_ids.push_back(id);
  }

  GMimeParserOptions* parser_options_;
  const ParseOptions& options_;
  const std::vector<std::string>& sender_charsets_;
  ParsedMessage& out_;
  AttachmentSink sink_;
  std::vector<std::string> top_segments_;
  std::vector<std::string>* segments_ = &top_segments_;
  bool in_report_ = false;
  std::optional<FallbackBody> fallback_body_;
  std::vector<GObjectPtr<GMimeMessage>> reparsed_;  // re-split multiparts, alive as long as the walker
};

}  // namespace

BodyFindings walk_body(GMimeMessage* message, GMimeParserOptions* parser_options, const ParseOptions& options,
                       const std::vector<std::string>& sender_charsets, ParsedMessage& out) {
  BodyWalker walker(parser_options, options, sender_charsets, out);
  walker.walk_message(message);
  walker.use_fallback_body();
  std::string text = walker.joined_text();
  if (text.size() > options.max_text_bytes) {
    out.warnings.push_back("text of " + std::to_string(text.size()) + " bytes cut to " +
                           std::to_string(options.max_text_bytes));
    text.resize(cut_at_utf8_boundary(text, options.max_text_bytes).size());
  }
  out.text = std::move(text);
  return walker.findings;
}

}  // namespace triaged::mail::detail
