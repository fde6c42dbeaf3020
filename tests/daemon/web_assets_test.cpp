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
    REQUIRE(res.status == 200);
    CHECK(res.header("Content-Type") == "text/html; charset=utf-8");
    CHECK_THAT(std::string(res.header("Content-Security-Policy")), Contains("script-src 'self'"));
    CHECK(res.header("X-Content-Type-Options") == "nosniff");
    CHECK_THAT(res.body, Contains("<!doctype html>") && Contains(marker));
  }
}

TEST_CASE("page scripts and styles are served with their content types", "[web]") {
  ApiHarness api;
  Response js = api.get("/web/common.js");
  REQUIRE(js.status == 200);
  CHECK(js.header("Content-Type") == "text/javascript; charset=utf-8");
  Response css = api.get("/web/app.css");
  REQUIRE(css.status == 200);
  CHECK(css.header("Content-Type") == "text/css; charset=utf-8");
}

TEST_CASE("a page whose ETag the browser already has is a 304 without a body", "[web]") {
  ApiHarness api;
  Response first = api.get("/web/intake.js");
  REQUIRE(first.status == 200);
  const std::string etag(first.header("ETag"));
  REQUIRE_FALSE(etag.empty());
  Request again = make_request("GET", "/web/intake.js");
  again.headers.set("If-None-Match", etag);
  Response res = api.call(again);
  CHECK(res.status == 304);
  CHECK(res.body.empty());
}

TEST_CASE("pages answer only GET and HEAD and unknown web files are a 404", "[web]") {
  ApiHarness api;
  Response post = api.post_json("/", "{}");
  problem_of(post, 405);
  CHECK(post.header("Allow") == "GET, HEAD");
  Response head = api.call(make_request("HEAD", "/queues"));
  CHECK(head.status == 200);
  CHECK(head.body.empty());
  for (const char* target : {"/web/missing.js", "/web/../api.cpp", "/web/", "/queues/x"}) {
    INFO(target);
    problem_of(api.get(target), 404);
  }
}

}  // namespace
}  // namespace triaged::testing
