// Staff's side of a ticket's conversation, and questions settled before they became tickets:
// rows of the route table (routes.cpp).
//   POST /api/v1/tickets/{id}/replies {text, actor}   -> 201: mail to the requester, queued in
//        the outbox and kept on the thread as an "out" message. 422 naming the field for a
//        blank or long text, a missing actor, a ticket without a requester e-mail address or
//        one nobody reads (noreply@, mailer-daemon@).
//   POST /api/v1/tickets/{id}/notes   {text, actor}   -> 201: an internal note, staff only; it
//        is never a message of the thread and never mailed (storage/staff_thread.h).
//   POST /api/v1/deflections {topic, answer, channel?} -> 201: "this answer was enough",
//        counted per topic in /api/v1/stats and triaged_deflected_total. 422 for a topic the
//        live rules do not have or an answer that topic does not offer.
// All: JSON only (415), 400 malformed body or unknown member, 404 unknown ticket.
#pragma once

#include "http/routes.h"

namespace triaged::daemon {

void post_reply(const Call& call);
void post_note(const Call& call);
void post_deflection(const Call& call);

}  // namespace triaged::daemon
