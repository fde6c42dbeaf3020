// Deciding whether a message was sent by a machine (RFC 3834 and the de-facto headers,
// subjects and texts of auto-responders, list servers, notification senders and MTAs), so that
// triaged never answers it automatically nor makes a ticket of it; and whether a person asked
// for no automatic answer.
#pragma once

#include "body_walker.h"
#include "mail/message.h"

namespace triaged::mail::detail {

// Sets automatic_reason, no_auto_reply_reason, is_bounce, bounced_message_ids and
// has_loop_header from the headers, the From address, the subject, the text and what walk_body
// found. When several signs are present the reason names the strongest: our loop header, then
// a delivery failure (a delivery-status report or part; a mailer-daemon, postmaster or empty
// From; X-Failed-Recipients; a bounce subject with an MTA's text or an enclosed original), then
// other reports (ARF feedback), then Auto-Submitted, X-Autoreply, Precedence, an empty
// Return-Path, List-Id or List-Unsubscribe, then an auto-reply subject, then a no-reply or
// notification sender. Subjects and texts count only without a Re:/Fwd: prefix and outside
// quoted or forwarded text: a person forwarding a bounce is a person. "Auto-Submitted: no"
// outweighs the soft signs (Precedence, List-*, subject, sender name), not a bounce's evidence.
void classify_automatic(const BodyFindings& findings, const ParseOptions& options, ParsedMessage& message);

// Whether a list with options.mailbox as its own address redistributed this message (its
// List-Post names the mailbox, or its List-Id is the mailbox's dotted form): the support
// address is a group, and the mail a person's.
bool from_own_list(const ParsedMessage& message, const ParseOptions& options);

}  // namespace triaged::mail::detail
