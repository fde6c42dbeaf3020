// Deciding whether a message was sent by a machine (RFC 3834 and the de-facto headers of
// auto-responders, list servers and MTAs), so that triaged never answers it automatically.
#pragma once

#include "body_walker.h"
#include "mail/message.h"

namespace triaged::mail::detail {

// Sets automatic_reason, is_bounce, bounced_message_ids and has_loop_header from the headers,
// the From address and what walk_body found. When several signs are present the reason names
// the strongest: our loop header, then a delivery report, then the rest in the order below.
void classify_automatic(const BodyFindings& findings, const ParseOptions& options, ParsedMessage& message);

}  // namespace triaged::mail::detail
