// What routing sees of an email: the new text only (quotes and signature trimmed), the
// sender as requester, and the headers for header.NAME conditions. One definition for the
// ingest path and for tools that route an .eml (triagectl explain, test).
#pragma once

#include "mail/message.h"
#include "routing/routing.h"

namespace triaged::daemon {

routing::Ticket ticket_from_mail(const mail::ParsedMessage& message);

}  // namespace triaged::daemon
