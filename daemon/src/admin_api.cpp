#include "admin_api.h"

#include <boost/json.hpp>

#include "http_responses.h"
#include "json_output.h"
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

json::object status_json(const RulesStatus& s, bool with_text) {
  json::object o{{"version", s.version},
                 {"name", s.name},
                 {"source", s.source},
                 {"loaded_at", format_time(s.loaded_at)},
                 {"tests_passed", s.tests_passed}};
  if (with_text) o["text"] = s.text;
  json::object last;
  if (s.last_attempt_at) {
    last = {{"at", format_time(*s.last_attempt_at)},
            {"ok", s.last_attempt_ok},
            {"trigger", s.last_attempt_trigger},
            {"errors", diagnostics_json(s.last_errors)}};
  }
  o["last_reload"] = s.last_attempt_at ? json::value(std::move(last)) : json::value(nullptr);
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
  AdminHandler(const ApiContext& ctx, const Request& req, const Api::Respond& respond)
      : ctx_(ctx), req_(req), respond_(respond) {}

  void route(const std::string& path) {
    if (!ctx_.rules_admin.status) return fail(service_unavailable("rule administration is not available"));
    if (path == "/api/v1/admin/rules") return only(http::verb::get, [&] { show(); });
    if (path == "/api/v1/admin/rules/reload") return only(http::verb::post, [&] { reload(); });
    if (path == "/api/v1/admin/rules/validate") return only(http::verb::post, [&] { validate(); });
    fail(not_found("no resource at " + path));
  }

 private:
  template <typename F>
  void only(http::verb allowed, F&& f) {
    if (req_.method() == allowed) return f();
    const char* name = allowed == http::verb::get ? "GET" : "POST";
    Response res = problem_response(method_not_allowed(name), req_);
    res.set(http::field::allow, name);
    respond_(std::move(res));
  }
  void fail(const Problem& p) { respond_(problem_response(p, req_)); }
  void ok(const json::value& body) { respond_(json_response(http::status::ok, body, req_)); }

  void show() { ok(status_json(ctx_.rules_admin.status(), true)); }

  void reload() {
    auto reloaded = ctx_.rules_admin.reload("api");
    if (!reloaded) {
      Problem p = validation_failed("the rule file has errors; the running rules stay live", field_errors(reloaded.error()));
      p.extra["live_version"] = ctx_.rules_admin.status().version;
      return fail(p);
    }
    ok(status_json(*reloaded, false));
  }

  // A candidate rule set checked exactly as a reload would check it, changing nothing.
  void validate() {
    const std::string type = media_type(req_);
    if (type != "application/yaml" && type != "application/x-yaml" && type != "text/yaml" && type != "text/plain")
      return fail(unsupported_media_type(type.empty() ? "(none)" : type, "application/yaml"));
    if (req_.body().empty()) return fail(bad_request("empty rule set", {{"body", "missing", "send the YAML rule set"}}));
    auto loaded = rules::load_rules_text(req_.body(), "candidate.yaml");
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

  const ApiContext& ctx_;
  const Request& req_;
  const Api::Respond& respond_;
};

}  // namespace

bool handle_admin_request(const ApiContext& ctx, const Request& req, const std::string& path, const Peer& peer,
                          const Api::Respond& respond) {
  if (!path.starts_with("/api/v1/admin/") && path != "/api/v1/admin") return false;
  if (!peer.loopback) {
    respond(problem_response({403, "forbidden", "Forbidden",
                              "admin endpoints answer only local clients until API keys are configured", {}, {}},
                             req));
    return true;
  }
  AdminHandler(ctx, req, respond).route(path);
  return true;
}

}  // namespace triaged::daemon
