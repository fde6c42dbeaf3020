// The customer's rating of a resolved ticket (docs/customer.md, "Satisfaction"): read and set
// with the status token, like the rest of the status page, and nothing else. No API key; the
// token's checks are the status page's (status_token_check.h). Rows of the route table.
#pragma once

#include "http/routes.h"

namespace triaged::daemon {

// GET /api/v1/status/rating?token=: 200 {asked, open, rating, comment, rated_at, closes_at}.
void get_status_rating(const Call& call);
// POST /api/v1/status/rating {token, rating: "good"|"bad", comment?}: 200 as GET after
// recording; 409 (errors[0].code "not_asked") when the ticket was never asked, ("closed") past
// the window; 400 for a bad rating or comment.
void post_status_rating(const Call& call);

}  // namespace triaged::daemon
