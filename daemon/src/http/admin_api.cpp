#include "http/admin_api.h"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <atomic>
#include <thread>

#include "http/http_responses.h"
#include "common/json_output.h"
#include "common/replay.h"
#include "rules/lint.h"
#include "rules/rules.h"

namespace triaged::daemon {
namespace {

namespace json = boost::json;

json::array diagnostics_json(const routing::Diagnostics& ds) {
  json::array out;
  for (const auto& d : ds) out.push_back({{"where", d.where}, {"message", d.message}});
  return out;
}

}  // namespace

boost::json::value cluster_rules_json(const std::optional<ClusterRulesView>& view) {
  if (!view) return nullptr;
  const auto text_or_null = [](const std::string& s) { return s.empty() ? json::value(nullptr) : json::value(s); };
  return json::object{{"version", view->version},
                      {"in_sync", view->in_sync},
                      {"problem", text_or_null(view->problem)},
                      {"published_by", view->published_by},
                      {"published_at", view->published_at ? json::value(format_time(*view->published_at)) : json::value(nullptr)},
                      {"file_version", text_or_null(view->file_version)}};
}

namespace {

json::object status_json(const RulesStatus& s, bool with_text) {
  json::object o{{"version", s.version},
                 {"name", s.name},
                 {"source", s.source},
                 {"loaded_at", format_time(s.loaded_at)},
                 {"tests_passed", s.tests_passed}};
  o["model"] = {{"version", s.model_version.empty() ? json::value(nullptr) : json::value(s.model_version)},
                {"problem", s.model_problem.empty() ? json::value(nullptr) : json::value(s.model_problem)}};
  if (with_text) o["text"] = s.text;
  json::object last;
  if (s.last_attempt_at) {
    last = {{"at", format_time(*s.last_attempt_at)},
            {"ok", s.last_attempt_ok},
            {"trigger", s.last_attempt_trigger},
            {"errors", diagnostics_json(s.last_errors)}};
  }
  o["last_reload"] = s.last_attempt_at ? json::value(std::move(last)) : json::value(nullptr);
  o["cluster"] = cluster_rules_json(s.cluster);
  return o;
}

// A diagnostic's "file:line:col" is the closest thing to a field a YAML document has.
std::vector<FieldError> field_errors(const routing::Diagnostics& ds) {
  std::vector<FieldError> out;
  for (const auto& d : ds) out.push_back({d.where, "invalid", d.message});
  return out;
}

class AdminHandler {
 public:
  explicit AdminHandler(const Call& call) : ctx_(call.ctx), req_(call.req), respond_(call.respond), query_(&call.query) {}

  // Runs `endpoint`, or answers 503 when the daemon gave no rule administration.
  void run(void (AdminHandler::*endpoint)()) {
    if (!ctx_.rules_admin.status) return fail(service_unavailable("rule administration is not available"));
    (this->*endpoint)();
  }

  void fail(const Problem& p) { respond_(problem_response(p)); }
  void ok(const json::value& body) { respond_(json_response(200, body)); }

  void show() { ok(status_json(ctx_.rules_admin.status(), true)); }

  void reload() {
    auto reloaded = ctx_.rules_admin.reload("api");
    if (!reloaded && !reloaded.error().unshared.empty()) {
      // A good file that the other nodes could not be given: serving it here alone would split
      // the cluster, so nothing changed; the database may be back in a moment.
      Problem p = service_unavailable("the rule set could not be shared with the other nodes (" +
                                      reloaded.error().unshared + "); the running rules stay live");
      p.extra["live_version"] = ctx_.rules_admin.status().version;
      Response res = problem_response(p);
      res.headers.set("Retry-After", "5");
      return respond_(std::move(res));
    }
    if (!reloaded) {
      Problem p = validation_failed("the rule file has errors; the running rules stay live", field_errors(reloaded.error().errors));
      p.extra["live_version"] = ctx_.rules_admin.status().version;
      return fail(p);
    }
    ok(status_json(*reloaded, false));
  }

  // The candidate YAML of validate and simulate; false when it answered an error.
  bool has_yaml_body() {
    const std::string type = media_type(req_);
    if (type != "application/yaml" && type != "application/x-yaml" && type != "text/yaml" && type != "text/plain")
      return fail(unsupported_media_type(type.empty() ? "(none)" : type, "application/yaml")), false;
    if (req_.body.empty())
      return fail(bad_request("empty rule set", {{"body", "missing", "send the YAML rule set"}})), false;
    return true;
  }

  // A candidate rule set checked exactly as a reload would check it, changing nothing.
  void validate() {
    if (!has_yaml_body()) return;
    auto loaded = rules::load_rules_text(req_.body, "candidate.yaml");
    if (!loaded) {
      return ok(json::object{{"valid", false}, {"errors", diagnostics_json(loaded.error())}, {"warnings", json::array{}}});
    }
    json::array warnings;
    for (const auto& w : rules::lint_rules(*loaded))
      warnings.push_back({{"where", w.where}, {"code", w.code}, {"message", w.message}});
    ok(json::object{{"valid", true},
                    {"version", loaded->version},
                    {"topics", loaded->rules->spec().topics.size()},
                    {"tests_passed", loaded->tests_passed},
                    {"errors", json::array{}},
                    {"warnings", std::move(warnings)}});
  }

  // The replay report of a candidate over the newest stored tickets: what a reload would
  // change, before it happens. Runs off the I/O threads, one at a time, and bounded (20,000
  // tickets replay in about 3 s) so that a stop's grace period covers it.
  void simulate() {
    if (!has_yaml_body()) return;
    std::int64_t limit = 1000;
    for (const auto& [k, v] : *query_) {
      const bool digits = !v.empty() && v.size() < 7 && v.find_first_not_of("0123456789") == std::string::npos;
      if (k == "limit" && digits && std::stoll(v) >= 1 && std::stoll(v) <= 20000) limit = std::stoll(v);
      else if (k == "limit") return fail(bad_request("invalid limit", {{"limit", "invalid", "must be a whole number from 1 to 20000"}}));
      else return fail(bad_request("invalid query", {{k, "unknown", "unknown query parameter (expected limit)"}}));
    }
    // Like `triagectl replay`: failing inline tests do not stop a simulation (seeing what a
    // change does is how an admin learns which tests must change with it); they are listed.
    auto loaded = rules::load_rules_text(req_.body, "candidate.yaml");
    std::shared_ptr<const routing::RuleSet> candidate;
    routing::Diagnostics failing_tests;
    if (loaded) {
      candidate = loaded->rules;
    } else if (auto spec = rules::parse_rules_text(req_.body, "candidate.yaml")) {
      if (auto built = routing::build_rule_set(std::move(*spec))) candidate = *built, failing_tests = loaded.error();
    }
    if (!candidate) return fail(validation_failed("the candidate rule set has errors", field_errors(loaded.error())));
    static std::atomic<bool> running{false};
    if (running.exchange(true)) {
      Response res = problem_response(service_unavailable("another simulation is running"));
      res.headers.set("Retry-After", "5");
      return respond_(std::move(res));
    }
    std::thread([store = ctx_.store, candidate, failing_tests = std::move(failing_tests), limit,
                 respond = respond_]() mutable {
      ReplayOptions options;
      options.limit = limit;
      auto report = replay(*store, *candidate, options);
      running = false;
      if (!report) {
        spdlog::error("simulate: {}", report.error().message);
        return respond(problem_response(internal_error("the ticket store failed during the simulation")));
      }
      json::object body = report_to_json(*report);
      body["failing_inline_tests"] = diagnostics_json(failing_tests);
      respond(json_response(200, body));
    }).detach();
  }

  const ApiContext& ctx_;
  const Request& req_;
  const Api::Respond& respond_;
  const std::map<std::string, std::string>* query_;
};

}  // namespace

void get_rules_status(const Call& call) { AdminHandler(call).run(&AdminHandler::show); }
void post_rules_reload(const Call& call) { AdminHandler(call).run(&AdminHandler::reload); }
void post_rules_validate(const Call& call) { AdminHandler(call).run(&AdminHandler::validate); }
void post_rules_simulate(const Call& call) { AdminHandler(call).run(&AdminHandler::simulate); }

}  // namespace triaged::daemon
