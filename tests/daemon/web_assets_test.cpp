// The intake form and queue board are served from the binary: right types, a strict
// Content-Security-Policy, revalidation by ETag, and nothing outside the embedded files.
#include <catch2/catch.hpp>

#include "api_harness.h"

namespace triaged::testing {
namespace {

using Catch::Matchers::Contains;

TEST_CASE("the intake form is served at the root and the queue board at queues", "[web]") {
  ApiHarness api;
  for (const auto& [target, marker] : {std::pair{"/", "intake.js"}, std::pair{"/queues", "queues.js"}}) {
    INFO(target);
    Response res = api.get(target);
    REQUIRE(res.result_int() == 200);
    CHECK(res[http::field::content_type] == "text/html; charset=utf-8");
    CHECK_THAT(std::string(res["Content-Security-Policy"]), Contains("script-src 'self'"));
    CHECK(res["X-Content-Type-Options"] == "nosniff");
    CHECK_THAT(res.body(), Contains("<!doctype html>") && Contains(marker));
  }
}

TEST_CASE("page scripts and styles are served with their content types", "[web]") {
  ApiHarness api;
  Response js = api.get("/web/common.js");
  REQUIRE(js.result_int() == 200);
  CHECK(js[http::field::content_type] == "text/javascript; charset=utf-8");
  Response css = api.get("/web/app.css");
  REQUIRE(css.result_int() == 200);
  CHECK(css[http::field::content_type] == "text/css; charset=utf-8");
}

TEST_CASE("a page whose ETag the browser already has is a 304 without a body", "[web]") {
  ApiHarness api;
  Response first = api.get("/web/intake.js");
  REQUIRE(first.result_int() == 200);
  const std::string etag(first[http::field::etag]);
  REQUIRE_FALSE(etag.empty());
  Request again{http::verb::get, "/web/intake.js", 11};
  again.set(http::field::if_none_match, etag);
  Response res = api.call(again);
  CHECK(res.result_int() == 304);
  CHECK(res.body().empty());
}

TEST_CASE("pages answer only GET and HEAD and unknown web files are a 404", "[web]") {
  ApiHarness api;
  Response post = api.post_json("/", "{}");
  problem_of(post, 405);
  CHECK(post[http::field::allow] == "GET, HEAD");
  Response head = api.call(Request{http::verb::head, "/queues", 11});
  CHECK(head.result_int() == 200);
  CHECK(head.body().empty());
  for (const char* target : {"/web/missing.js", "/web/../api.cpp", "/web/", "/queues/x"}) {
    INFO(target);
    problem_of(api.get(target), 404);
  }
}

}  // namespace
}  // namespace triaged::testing
