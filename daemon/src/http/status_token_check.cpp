#include "http/status_token_check.h"

#include "common/problem.h"
#include "common/status_token.h"
#include "http/customer_portal.h"
#include "http/http_responses.h"

namespace triaged::daemon {
namespace {

Problem token_refused(const std::string& reason) {
  const bool expired = reason == "expired";
  return {403, "invalid-token", "Forbidden",
          expired ? "this link has expired; look the ticket up by its reference and your e-mail or phone"
                  : "this link is not valid",
          {{"token", expired ? "expired" : "invalid", expired ? "expired" : "not a valid status link"}},
          {}};
}

}  // namespace

std::expected<storage::StoredTicket, Response> ticket_by_token(const ApiContext& ctx, const std::string& token) {
  if (token.empty())
    return std::unexpected(problem_response(bad_request("token: missing", {{"token", "missing", "the status link's token"}})));
  auto claim = ctx.customer->tokens().verify(token, ctx.clock());
  if (!claim) return std::unexpected(problem_response(token_refused(claim.error().reason)));
  auto found = ctx.store->get(claim->ticket_id);
  if (!found) return std::unexpected(store_read_failed(found.error()));
  // Bound to both: a token for a ticket id whose ref is not the one signed is refused.
  if (!*found || (*found)->ref != claim->ref) return std::unexpected(problem_response(token_refused("invalid")));
  return std::move(**found);
}

}  // namespace triaged::daemon
