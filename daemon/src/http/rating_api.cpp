#include "http/rating_api.h"

#include <boost/json.hpp>

#include "common/json_output.h"
#include "common/metrics.h"
#include "common/problem.h"
#include "common/utf8.h"
#include "http/http_responses.h"
#include "http/metric_labels.h"
#include "http/status_token_check.h"
#include "http/ticket_action_support.h"

namespace triaged::daemon {
namespace {

namespace json = boost::json;

// A comment is a sentence or a few: enough to say what went wrong, not a second ticket.
constexpr std::size_t kMaxCommentChars = 2000;

json::object rating_to_json(const std::optional<storage::SatisfactionState>& state,
                            std::chrono::system_clock::time_point now) {
  if (!state)
    return {{"asked", false}, {"open", false}, {"rating", nullptr}, {"comment", ""}, {"rated_at", nullptr},
            {"closes_at", nullptr}};
  return {{"asked", true},
          {"open", now < state->closes_at},
          {"rating", state->rating.empty() ? json::value(nullptr) : json::value(state->rating)},
          {"comment", state->comment},
          {"rated_at", state->rated_at ? json::value(format_time(*state->rated_at)) : json::value(nullptr)},
          {"closes_at", format_time(state->closes_at)}};
}

Response answer(const std::optional<storage::SatisfactionState>& state, std::chrono::system_clock::time_point now) {
  Response res = json_response(200, rating_to_json(state, now));
  res.headers.set("Cache-Control", "no-store");
  return res;
}

// 409 with errors[0].code saying why: "not_asked" or "closed".
Problem refused(const char* code, const char* detail) {
  return {409, "conflict", "Conflict", detail, {{"rating", code, detail}}, {}};
}

void count_rating(const ApiContext& ctx, const storage::SatisfactionState& state) {
  if (!ctx.metrics) return;
  std::vector<std::string> departments, topics;
  if (auto rules = ctx.rules()) {
    for (const auto& d : rules->spec().departments) departments.push_back(d.id);
    for (const auto& t : rules->spec().topics) topics.push_back(t.id);
  }
  ctx.metrics->csat_ratings.inc(
      {rule_id_label(state.department, departments), rule_id_label(state.topic, topics), state.rating});
}

}  // namespace

void get_status_rating(const Call& call) {
  auto it = call.query.find("token");
  auto ticket = ticket_by_token(call.ctx, it == call.query.end() ? std::string() : it->second);
  if (!ticket) return call.respond(std::move(ticket.error()));
  auto state = call.ctx.store->satisfaction(ticket->id);
  if (!state) return call.respond(store_read_failed(state.error()));
  call.respond(answer(*state, call.ctx.clock()));
}

void post_status_rating(const Call& call) {
  const std::string type = media_type(call.req);
  if (!is_json_media_type(type))
    return call.respond(problem_response(unsupported_media_type(type.empty() ? "(none)" : type, "application/json")));
  auto body = parse_json_object(call.req.body);
  if (!body) return call.respond(problem_response(body.error()));
  std::vector<FieldError> errors;
  reject_unknown_members(*body, {"token", "rating", "comment"}, "rating", errors);
  std::string token, rating, comment;
  read_string(*body, "token", token, errors);
  read_string(*body, "rating", rating, errors);
  read_string(*body, "comment", comment, errors);
  // The token first: who is not the ticket's customer learns nothing about the rest.
  auto ticket = ticket_by_token(call.ctx, token);
  if (!ticket) return call.respond(std::move(ticket.error()));
  if (rating != "good" && rating != "bad" && !has_error_for(errors, "rating"))
    errors.push_back({"rating", rating.empty() ? "missing" : "invalid", "\"good\" or \"bad\""});
  if (!is_utf8(comment)) errors.push_back({"comment", "invalid", "not UTF-8"});
  else if (utf8_chars(comment) > kMaxCommentChars)
    errors.push_back({"comment", "too_long", "at most " + std::to_string(kMaxCommentChars) + " characters"});
  if (!errors.empty()) return call.respond(problem_response(bad_request("invalid rating", std::move(errors))));

  const auto now = call.ctx.clock();
  auto outcome = call.ctx.store->rate({ticket->id, rating, comment, now});
  if (!outcome) return call.respond(store_write_failed(outcome.error(), "the rating was not recorded"));
  using Kind = storage::RatingOutcome::Kind;
  if (outcome->kind == Kind::not_asked)
    return call.respond(problem_response(refused("not_asked", "this request has not been resolved yet")));
  if (outcome->kind == Kind::closed)
    return call.respond(problem_response(refused("closed", "the time to rate this request has passed")));
  if (outcome->kind == Kind::recorded) count_rating(call.ctx, *outcome->state);
  call.respond(answer(outcome->state, now));
}

}  // namespace triaged::daemon
