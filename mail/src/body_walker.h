// Walks a message's MIME tree once and fills the body side of a ParsedMessage: the readable
// text, the attachments (size-limited), and what a delivery report says about the original.
#pragma once

#include <gmime/gmime.h>

#include <string>
#include <vector>

#include "mail/message.h"

namespace triaged::mail::detail {

struct BodyFindings {
  bool is_report = false;            // multipart/report of any report-type
  std::string report_type;           // "delivery-status", "disposition-notification", ...
  std::vector<std::string> report_message_ids;    // originals quoted inside the report
  std::vector<std::string> enclosed_message_ids;  // every message/rfc822 part's Message-ID
  // Outside forwarded messages: a message/delivery-status part (a bounce even when the sender
  // did not wrap it in multipart/report), a message/feedback-report part (ARF), and whether a
  // copy of an original (message/rfc822 or text/rfc822-headers) came along.
  bool has_delivery_status = false;
  bool has_feedback_report = false;
  bool encloses_original = false;
  bool encloses_bounce = false;  // an enclosed message is itself a bounce: a person forwarded it
};

// Fills out.text, text_from_html, attachments and warnings. Never fails: a part that cannot be
// read is skipped with a warning. `sender_charsets` as for decode_to_utf8().
BodyFindings walk_body(GMimeMessage* message, GMimeParserOptions* parser_options, const ParseOptions& options,
                       const std::vector<std::string>& sender_charsets, ParsedMessage& out);

}  // namespace triaged::mail::detail
