// The pieces of the access check that need no request: credentials, origins, the rate limit.
#include <catch2/catch.hpp>

#include "http/access.h"
#include "common/digest.h"

using namespace triaged::daemon;

TEST_CASE("bearer_token takes the key after a case-insensitive Bearer scheme") {
  CHECK(bearer_token("Bearer tgd_abc") == "tgd_abc");
  CHECK(bearer_token("bearer   tgd_abc  ") == "tgd_abc");
  CHECK(bearer_token("BEARER tgd_abc") == "tgd_abc");
  CHECK(bearer_token("Bearertgd_abc").empty());
  CHECK(bearer_token("Basic dXNlcjpwYXNz").empty());
  CHECK(bearer_token("Bearer ").empty());
  CHECK(bearer_token("").empty());
}

TEST_CASE("same_origin compares scheme host and port with the Host header") {
  CHECK(same_origin("http://127.0.0.1:8080", "127.0.0.1:8080"));
  CHECK(same_origin("https://triaged.example", "triaged.example"));
  CHECK(same_origin("https://triaged.example", "triaged.example:443"));
  CHECK(same_origin("http://triaged.example", "triaged.example:80"));
  CHECK_FALSE(same_origin("http://triaged.example", "triaged.example:443"));
  CHECK_FALSE(same_origin("http://127.0.0.1:8081", "127.0.0.1:8080"));
  CHECK_FALSE(same_origin("http://evil.example", "triaged.example"));
  CHECK_FALSE(same_origin("null", "triaged.example"));
}

TEST_CASE("new API keys are random and shaped tgd_ and 64 hex digits") {
  const std::string a = new_api_key(), b = new_api_key();
  CHECK(a != b);
  REQUIRE(a.size() == 68);
  CHECK(a.starts_with("tgd_"));
  CHECK(a.find_first_not_of("0123456789abcdef", 4) == std::string::npos);
}

TEST_CASE("the rate limiter refills at its rate and caps at its burst") {
  AccessControl access({{"k", sha256_hex("tgd_k"), kAgent, {2, 2}, {}}});
  AccessRequest req{"/api/v1/queues", kAgent, "GET", "/api/v1/queues", "Bearer tgd_k", "", "", true};
  const auto t0 = AccessControl::Clock::time_point{} + std::chrono::hours(1);
  using Kind = AccessDecision::Kind;
  CHECK(access.check(req, t0).kind == Kind::allowed);
  CHECK(access.check(req, t0).kind == Kind::allowed);
  CHECK(access.check(req, t0).kind == Kind::rate_limited);
  // Half a second later one token is back (2 per second).
  CHECK(access.check(req, t0 + std::chrono::milliseconds(500)).kind == Kind::allowed);
  CHECK(access.check(req, t0 + std::chrono::milliseconds(500)).kind == Kind::rate_limited);
  // An hour idle fills the bucket to its burst, not beyond.
  const auto later = t0 + std::chrono::hours(1);
  CHECK(access.check(req, later).kind == Kind::allowed);
  CHECK(access.check(req, later).kind == Kind::allowed);
  const auto refused = access.check(req, later);
  CHECK(refused.kind == Kind::rate_limited);
  CHECK(refused.retry_after == std::chrono::seconds(1));
  CHECK(refused.key_name == "k");
}
