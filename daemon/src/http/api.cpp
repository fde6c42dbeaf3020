#include "http/api.h"

#include "routing/model.h"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include "http/access.h"
#include "http/admin_api.h"
#include "http/customer_portal.h"
#include "intake/web_acknowledgement.h"
#include "common/digest.h"
#include "http/http_responses.h"
#include "common/json_output.h"
#include "http/metric_labels.h"
#include "common/metrics.h"
#include "http/ticket_action_support.h"
#include "common/server_limits.h"
#include "http/stats_output.h"
#include "storage/stats.h"
#include "common/problem.h"
#include "http/request_gate.h"
#include "http/routes.h"
#include "http/api_endpoints.h"
#include "intake/requester_history.h"
#include "routing/rule_spec.h"
#include "intake/ticket_input.h"

namespace triaged::daemon {
namespace {

namespace json = boost::json;
using Clock = std::chrono::system_clock;

// The ticket in the request body, in whichever of the two accepted encodings it came.
std::expected<routing::Ticket, Problem> read_ticket(const Request& req, OnMissing* on_missing) {
  const std::string type = media_type(req);
  if (is_json_media_type(type))
    return ticket_from_json(req.body, on_missing);
  if (type == "application/x-www-form-urlencoded") return ticket_from_form(req.body, on_missing);
  return std::unexpected(unsupported_media_type(type.empty() ? "(none)" : type,
                                                "application/json or application/x-www-form-urlencoded"));
}

// The operator's explicit topic must exist: silently routing elsewhere would hide a form bug.
std::optional<Problem> check_topic(const routing::RuleSet& rules, const routing::Ticket& t) {
  if (t.topic.empty() || rules.has_topic(t.topic)) return std::nullopt;
  std::string known;
  for (const auto& topic : rules.spec().topics) known += (known.empty() ? "" : ", ") + topic.id;
  return validation_failed("unknown topic", {{"topic", "unknown", "unknown topic \"" + t.topic + "\" (known: " + known + ")"}});
}

struct Target {
  std::string path;
  std::map<std::string, std::string> query;
  bool ok = true;
  std::optional<FieldError> strict;  // issue 17: a parameter given twice (none is a list), or a NUL
};

Target parse_target(std::string_view target) {
  Target t;
  const auto q = target.find('?');
  t.path = std::string(target.substr(0, q));
  if (q == std::string_view::npos) return t;
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    auto amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? "" : rest.substr(amp + 1);
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    std::string key, value;
    if (!form_decode(pair.substr(0, eq), key) ||
        !form_decode(eq == std::string_view::npos ? "" : pair.substr(eq + 1), value))
      t.ok = false;
    if (!t.strict && t.query.contains(key))
      t.strict = FieldError{key, "duplicate", "given more than once; no query parameter is a list"};
    if (!t.strict && (key.find('\0') != std::string::npos || value.find('\0') != std::string::npos))
      t.strict = FieldError{key, "invalid", "contains a NUL character"};
    t.query[key] = value;
  }
  return t;
}

// Labels from closed sets only (http/metric_labels.h): a client names fields and channels.
void record_validation_failures(Metrics* metrics, const Problem& p, const routing::RuleSet* rules = nullptr) {
  if (metrics == nullptr || p.status != 422) return;
  std::vector<std::string> ids;
  if (rules != nullptr)
    for (const auto& f : routing::fields_of(*rules)) ids.push_back(f.id);
  for (const auto& e : p.errors) metrics->validation_failures.inc({field_label(e.field, ids), code_label(e.code)});
}

std::string extra_string(const Problem& p, const char* key) {
  const json::value* v = p.extra.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

class Handler {
 public:
  explicit Handler(const Call& call) : ctx_(call.ctx), req_(call.req), respond_(call.respond) {}

  void ok(const json::value& body, unsigned status = 200) { respond_(json_response(status, body)); }
  void fail(const Problem& p) {
    record_validation_failures(ctx_.metrics, p, ctx_.rules().get());
    if (creating_ && p.status == 422 && ctx_.metrics)
      ctx_.metrics->tickets.inc({channel_label(channel_), extra_string(p, "topic"), extra_string(p, "department"), "rejected"});
    respond_(problem_response(p));
  }
  void store_failed(const storage::StoreError& e) { respond_(store_read_failed(e)); }

  void ready() {
    if (!ctx_.rules() || ctx_.store == nullptr) return fail(service_unavailable("rules or store not ready"));
    const auto rules = ctx_.rules();
    json::object body{{"status", "ready"}, {"rules_version", rules->version()}};
    // The rules serve alone when their model could not be used; a probe should see why.
    if (rules->model()) body["model"] = {{"version", routing::model_version(*rules->model())}, {"problem", nullptr}};
    else if (!rules->model_problem().empty()) body["model"] = {{"version", nullptr}, {"problem", rules->model_problem()}};
    // Several nodes on one database: whether this one serves the cluster's rules. Still ready
    // when it does not: it routes with a good set, and taking every such node out of a load
    // balancer could take them all.
    if (ctx_.rules_admin.cluster) {
      if (auto cluster = ctx_.rules_admin.cluster()) body["cluster"] = cluster_rules_json(cluster);
    }
    ok(std::move(body));
  }

  // Parse, snapshot the rules, check the explicit topic, route. Shared by create and classify.
  std::optional<std::pair<routing::Ticket, routing::Decision>> decide(std::shared_ptr<const routing::RuleSet>& rules,
                                                                      Clock::time_point now) {
    auto ticket = read_ticket(req_, &on_missing_);
    if (!ticket) return fail(ticket.error()), std::nullopt;
    channel_ = ticket->channel;
    rules = ctx_.rules();
    if (auto p = check_topic(*rules, *ticket)) return fail(*p), std::nullopt;
    const auto started = std::chrono::steady_clock::now();
    routing::Decision d = route_with_history(*ctx_.store, *rules, *ticket, now).decision;
    if (ctx_.metrics)
      ctx_.metrics->routing_duration.observe(
          {}, std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    return std::make_pair(std::move(*ticket), std::move(d));
  }

  // The decision, and the decided topic's answers for the caller to read out or show.
  void classify() {
    std::shared_ptr<const routing::RuleSet> rules;
    auto decided = decide(rules, ctx_.clock());
    if (!decided) return;
    json::object body = decision_to_json(decided->second);
    body["answers"] = answers_to_json(*rules, decided->second.topic);
    ok(body);
  }

  void create() {
    const std::string key(req_.header("Idempotency-Key"));
    if (key.size() > limits::kMaxIdempotencyKeyBytes ||
        std::any_of(key.begin(), key.end(), [](char c) { return c < 0x21 || c > 0x7e; }))
      return fail(bad_request("invalid Idempotency-Key",
                              {{"Idempotency-Key", "invalid", "must be 1-255 printable ASCII characters"}}));
    creating_ = true;
    std::shared_ptr<const routing::RuleSet> rules;
    const Clock::time_point now = ctx_.clock();
    auto decided = decide(rules, now);
    if (!decided) return;
    auto& [ticket, decision] = *decided;
    // Held (on_missing "hold"), an incomplete ticket waits as needs_info and its requester is
    // asked by mail; that needs an address a person reads, else it is refused like any other.
    std::expected<std::string, FieldError> hold_to = std::unexpected(FieldError{});
    if (!decision.complete() && on_missing_ == OnMissing::hold) hold_to = hold_address(ticket);
    if (!decision.complete() && !hold_to) {
      std::vector<FieldError> errors;
      for (const auto& p : decision.problems) errors.push_back({p.field, p.code, p.message});
      if (on_missing_ == OnMissing::hold) errors.push_back(hold_to.error());
      Problem problem = validation_failed("topic \"" + decision.topic + "\" needs more data", std::move(errors));
      problem.extra["topic"] = decision.topic;
      problem.extra["department"] = decision.department;
      return fail(problem);
    }
    storage::NewTicket nt;
    nt.topic = decision.topic;
    nt.department = decision.department;
    nt.priority = decision.priority;
    nt.status = decision.complete() ? "new" : "needs_info";
    // The SLA clock starts when the ticket reaches its queue, as for a mail ticket.
    if (decision.has_due() && decision.complete()) nt.due_at = decision.due_at;
    nt.received_at = now;
    nt.rules_version = rules->version();
    nt.decision_json = json::serialize(decision_to_json(decision, TraceDetail::held));
    nt.idempotency_key = scoped_idempotency_key(key, ctx_.access->key_id(req_.header("Authorization")));
    nt.request_hash = sha256_hex(media_type(req_) + "\n" + req_.body);
    const CustomerPortalOptions& portal = ctx_.customer->options();
    nt.acknowledgement = web_first_mail(*rules, decision, ticket,
                                        {portal.message_id_domain, portal.max_auto_replies_per_day});
    json::array missing;
    for (const auto& p : decision.problems)
      missing.push_back(json::object{{"field", p.field}, {"code", p.code}, {"message", p.message}});
    nt.ticket = std::move(ticket);
    add_requester_parts(nt, *rules, decision);
    // The writer thread answers; it owns copies of everything it needs, never this Handler.
    const std::string channel = channel_label(nt.ticket.channel);
    // The writer thread calls back; building the 201 (the ticket as JSON) is left to an HTTP
    // thread when the daemon gives one, so the writer goes straight back to committing.
    auto answer = [respond = respond_, metrics = ctx_.metrics, channel, missing = std::move(missing)](auto result) mutable {
      if (!result) {
        const auto& e = result.error();
        using Code = storage::StoreError::Code;
        if (e.code == Code::conflict) {
          Problem reused = validation_failed(
              "Idempotency-Key reused",
              {{"Idempotency-Key", "conflict", "this key was already used for a different request"}});
          record_validation_failures(metrics, reused);
          return respond(problem_response(reused));
        }
        return respond(store_write_failed(e, "the ticket was not stored"));
      }
      // A ticket that waits for its requester (held, or replayed while it still waits): 202,
      // with what is missing; a merge joined a ticket that exists and says nothing of that.
      const bool waiting = !result->merged && result->ticket.status == "needs_info" && !missing.empty();
      // A merge counts under the ticket it joined; its "merged" event keeps the topic the
      // new report was routed to, for the stats.
      if (metrics)
        metrics->tickets.inc({channel, result->ticket.topic, result->ticket.department,
                              result->merged    ? "merged"
                              : result->replayed ? "duplicate"
                              : result->duplicate_of ? "linked"
                              : waiting          ? "needs_info"
                                                 : "created"});
      json::object body = ticket_to_json(result->ticket);
      body["merged"] = result->merged;
      if (!result->matched_by.empty()) body["matched_by"] = result->matched_by;
      if (result->duplicate_of) body["duplicate_of"] = *result->duplicate_of;
      if (waiting) body["missing"] = std::move(missing);
      // A merge adds to a ticket that exists: 200, as for any update; the client reads the
      // ref it already has or learns it here.
      Response res = json_response(result->merged ? 200 : waiting ? 202 : 201, body);
      res.headers.set("Location", "/api/v1/tickets/" + std::to_string(result->ticket.id));
      if (result->replayed) res.headers.set("Idempotent-Replayed", "true");
      respond(std::move(res));
    };
    ctx_.store->create(std::move(nt), [answer = std::move(answer), defer = ctx_.defer](auto result) mutable {
      if (!defer) return answer(std::move(result));
      defer([answer = std::move(answer), result = std::move(result)]() mutable { answer(std::move(result)); });
    });
  }

  void get(const std::string& id_or_ref) {
    auto found = find_ticket(*ctx_.store, id_or_ref);
    if (!found) return store_failed(found.error());
    if (!*found) return fail(not_found("no ticket " + id_or_ref));
    auto events = ctx_.store->events((*found)->id);
    if (!events) return store_failed(events.error());
    auto messages = ctx_.store->messages((*found)->id);
    if (!messages) return store_failed(messages.error());
    json::object body = ticket_to_json(**found, &*events);
    body["messages"] = messages_to_json(*messages);
    auto links = ctx_.store->links((*found)->id);
    if (!links) return store_failed(links.error());
    body["links"] = links_to_json(*links);
    body["requester_profile"] = nullptr;
    if (const auto requester_id = (*found)->requester_id) {
      auto profile = ctx_.store->requester(*requester_id);
      if (!profile) return store_failed(profile.error());
      if (*profile) body["requester_profile"] = requester_to_json(**profile, (*found)->id);
    }
    // Staff only, like this whole resource: the internal notes, and the canned answers the
    // live rules offer for the ticket's topic.
    auto notes = ctx_.store->notes((*found)->id);
    if (!notes) return store_failed(notes.error());
    body["notes"] = notes_to_json(*notes);
    body["canned"] = canned_to_json(*ctx_.rules(), (*found)->topic);
    ok(body);
  }

  void list(const std::map<std::string, std::string>& q) {
    storage::TicketQuery query;
    std::vector<FieldError> errors;
    for (const auto& [k, v] : q) {
      if (k == "department") query.department = v;
      else if (k == "status") query.status = v;
      else if (k == "topic") query.topic = v;
      else if (k == "cursor") query.cursor = v;
      else if (k == "limit") {
        const bool digits = !v.empty() && v.size() < 6 && v.find_first_not_of("0123456789") == std::string::npos;
        const int n = digits ? std::stoi(v) : 0;
        if (n < 1 || n > limits::kMaxPageSize)
          errors.push_back({"limit", "invalid", "must be a whole number from 1 to " + std::to_string(limits::kMaxPageSize)});
        else query.limit = n;
      } else {
        errors.push_back({k, "unknown", "unknown query parameter (expected department, status, topic, limit, cursor)"});
      }
    }
    if (!errors.empty()) return fail(bad_request("invalid query", std::move(errors)));
    auto page = ctx_.store->list(query);
    if (!page) {
      if (page.error().code != storage::StoreError::Code::bad_request) return store_failed(page.error());
      return fail(bad_request("invalid cursor", {{"cursor", "invalid", page.error().message}}));
    }
    json::array tickets;
    for (const auto& t : page->tickets) tickets.push_back(ticket_to_json(t));
    ok({{"tickets", std::move(tickets)},
        {"next_cursor", page->next_cursor.empty() ? json::value(nullptr) : json::value(page->next_cursor)}});
  }

  void schema() { ok(schema_to_json(*ctx_.rules())); }

  // GET /api/v1/requesters?phone=&email=: the profile either key names, as the intake form
  // asks while the operator types. `missing=null` answers a 200 with null rather than a 404 for
  // nobody: a new caller is the form's everyday case, not an error for the browser to log.
  void requesters(const std::map<std::string, std::string>& q) {
    routing::Ticket probe;
    std::vector<FieldError> errors;
    bool null_when_unknown = false;
    for (const auto& [k, v] : q) {
      if (k == "phone") probe.requester.phone = v;
      else if (k == "email") probe.requester.email = v;
      else if (k == "missing" && v == "null") null_when_unknown = true;
      else if (k == "missing") errors.push_back({k, "invalid", "the only value is null"});
      else errors.push_back({k, "unknown", "unknown query parameter (expected phone, email, missing)"});
    }
    const storage::RequesterKeys keys = requester_keys(probe);
    if (!probe.requester.phone.empty() && keys.phone.empty())
      errors.push_back({"phone", "invalid", "is not a phone number triaged can recognise"});
    if (!probe.requester.email.empty() && keys.email.empty())
      errors.push_back({"email", "invalid", "is not an email address"});
    if (errors.empty() && keys.empty()) errors.push_back({"phone|email", "missing", "give a phone, an email, or both"});
    if (!errors.empty()) return fail(bad_request("invalid requester lookup", std::move(errors)));
    auto profile = ctx_.store->find_requester(keys);
    if (!profile) return store_failed(profile.error());
    if (!*profile) {
      if (null_when_unknown) return ok(json::value(nullptr));
      return fail(not_found("no requester with that phone or email"));
    }
    ok(requester_to_json(**profile, 0));
  }

  void queues() {
    const Clock::time_point now = ctx_.clock();
    auto stats = ctx_.store->queue_stats(now);
    if (!stats) return store_failed(stats.error());
    ok({{"queues", queues_to_json(*ctx_.rules(), *stats, now)}});
  }

  // An aggregate over every ticket of the period: on the offload pool, not an HTTP thread.
  void stats(const std::map<std::string, std::string>& query) {
    const Clock::time_point now = ctx_.clock();
    auto period = stats_period(query, now);
    if (!period) {
      const auto& e = period.error();
      return fail(bad_request(e.parameter + ": " + e.message, {{e.parameter, "invalid", e.message}}));
    }
    if (ctx_.db_path.empty() || ctx_.db_path == ":memory:")
      return fail(service_unavailable("stats need a database file"));
    if (ctx_.db_path.starts_with("postgresql://") || ctx_.db_path.starts_with("postgres://"))
      return fail(service_unavailable("stats are not on PostgreSQL yet"));
    auto work = [db = ctx_.db_path, period = *period, now, respond = respond_]() mutable {
      auto stats = storage::read_stats(db, {period.since, period.until, now});
      if (!stats) return respond(store_read_failed(stats.error()));
      respond(json_response(200, stats_to_json(*stats, period)));
    };
    if (ctx_.offload) return ctx_.offload(std::move(work));
    work();
  }

  // Text format 0.0.4; the queue gauges are read from the store at scrape time.
  void metrics() {
    // No Metrics in the context: as if there were no such endpoint.
    if (ctx_.metrics == nullptr) return fail(not_found("no resource at /metrics"));
    const Clock::time_point now = ctx_.clock();
    auto stats = ctx_.store->queue_stats(now);
    if (!stats) return store_failed(stats.error());
    Gauge depth{"triaged_queue_tickets", "Tickets in each department's queue, by status.", {"department", "status"}};
    Gauge overdue{"triaged_queue_overdue_tickets", "Open tickets past their due time, by department.", {"department"}};
    // Every department of the live rules appears, with zeros if it has no tickets.
    if (auto rules = ctx_.rules())
      for (const auto& d : rules->spec().departments) overdue.set({d.id}, 0);
    for (const auto& s : *stats) {
      for (const auto& [status, n] : s.by_status) depth.set({s.department, status}, static_cast<double>(n));
      overdue.set({s.department}, static_cast<double>(s.overdue));
    }
    // Every topic of the live rules has a deflection series, zero until an answer helps.
    if (auto rules = ctx_.rules())
      for (const auto& t : rules->spec().topics) ctx_.metrics->deflected.inc({t.id}, 0);
    // With a survey, every topic has its two rating series under its department, zero at first.
    if (auto rules = ctx_.rules(); rules && rules->spec().satisfaction)
      for (const auto& t : rules->spec().topics)
        for (const char* rating : {"good", "bad"}) ctx_.metrics->csat_ratings.inc({t.department, t.id, rating}, 0);
    Gauge writable{"triaged_store_writable",
                   "1 while the ticket store takes writes; 0 from a write that failed for a cause that can pass "
                   "(disk full, read-only, I/O error, locked) until the next write commits.",
                   {}};
    writable.set({}, ctx_.store->writable() ? 1 : 0);
    std::string body = ctx_.metrics->render();
    depth.render(body);
    overdue.render(body);
    writable.render(body);
    Response res;
    res.headers.set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    res.headers.set("Cache-Control", "no-store");
    res.body = std::move(body);
    respond_(std::move(res));
  }

  const ApiContext& ctx_;
  const Request& req_;
  const Api::Respond& respond_;
  bool creating_ = false;  // a 422 now rejects a ticket submission
  OnMissing on_missing_ = OnMissing::reject;
  std::string channel_;    // the submitted ticket's channel, once parsed
};

}  // namespace

void get_health(const Call& c) { Handler(c).ok({{"status", "ok"}}); }
void get_ready(const Call& c) { Handler(c).ready(); }
void get_metrics(const Call& c) { Handler(c).metrics(); }
void list_tickets(const Call& c) { Handler(c).list(c.query); }
void post_ticket(const Call& c) { Handler(c).create(); }
void get_ticket(const Call& c) { Handler(c).get(c.param); }
void post_classify(const Call& c) { Handler(c).classify(); }
void get_schema(const Call& c) { Handler(c).schema(); }
void get_queues(const Call& c) { Handler(c).queues(); }
void get_stats(const Call& c) { Handler(c).stats(c.query); }
void get_requester(const Call& c) { Handler(c).requesters(c.query); }

namespace {

// The route table's row for the request, or the 400, 405 or 404 when there is none to call.
void dispatch(const ApiContext& ctx, const Request& request, const RouteMatch& match, const Api::Respond& respond) {
  const Target target = parse_target(request.target);
  if (!target.ok) return respond(problem_response(bad_request("malformed query string")));
  // issue 17: a query parameter given twice, or a NUL in one, is a 400 naming it, for every path.
  if (target.strict)
    return respond(problem_response(bad_request(target.strict->field + ": " + target.strict->message, {*target.strict})));
  if (match.route == nullptr) {
    if (!match.allow.empty()) return respond(not_allowed_response(match.allow));
    return respond(problem_response(not_found("no resource at " + target.path)));
  }
  match.route->endpoint(Call{ctx, request, target.path, target.query, match.param, respond});
}

}  // namespace

Api::Api(ApiContext context) : context_(std::move(context)) {
  if (!context_.access) context_.access = std::make_shared<AccessControl>(std::vector<ApiKey>{});
  if (!context_.customer) context_.customer = std::make_shared<CustomerPortal>(new_status_secret(), CustomerPortalOptions{});
}

void Api::handle(const Request& request, Respond respond, Peer peer) const {
  const std::string_view target = request.target;
  const RouteMatch match = match_route(api_routes(), request.method, target.substr(0, target.find('?')));
  auto once = admit_request(*context_.access, context_.metrics, request, match.label, match.roles, std::move(respond),
                            peer);
  if (!once) return;
  try {
    dispatch(context_, request, match, *once);
  } catch (const std::exception& e) {
    // A bug, not bad input: answer 500 rather than drop the connection without a word.
    spdlog::error("api: unexpected exception handling {} {}: {}", request.method, request.target, e.what());
    (*once)(problem_response(internal_error("unexpected error")));
  }
}

Response error_response(unsigned status, const std::string& detail, std::size_t limit) {
  Problem p = status == 413 ? payload_too_large(limit) : bad_request(detail);
  if (status == 431) p = {431, "headers-too-large", "Request header fields too large", detail, {}, {}};
  Response res = problem_response(p);
  res.keep_alive = false;
  return res;
}

}  // namespace triaged::daemon
