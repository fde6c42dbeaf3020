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
};

// Fills out.text, text_from_html, attachments and warnings. Never fails: a part that cannot be
// read is skipped with a warning.
BodyFindings walk_body(GMimeMessage* message, GMimeParserOptions* parser_options,
                       const ParseOptions& options, ParsedMessage& out);

}  // namespace triaged::mail::detail
