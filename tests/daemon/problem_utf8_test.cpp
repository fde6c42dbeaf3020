// Problem answers quote what the client sent; they must stay valid JSON (UTF-8) when that was
// not UTF-8. Found by fuzz/query_string_fuzz.cpp.
#include <catch2/catch.hpp>

#include "api_harness.h"

namespace triaged::testing {

TEST_CASE("a path that is not UTF-8 gets a 404 whose JSON is valid UTF-8", "[api]") {
  ApiHarness api;
  const auto res = api.get("/\xFF\xC0\x80x");  // raw bytes: HTTP/1.1 servers see them
  REQUIRE(res.status == 404);
  boost::system::error_code ec;
  const auto body = boost::json::parse(res.body, ec);  // rejects invalid UTF-8
  REQUIRE_FALSE(ec);
  const std::string detail(body.at("detail").as_string());
  CHECK(detail.find("\xEF\xBF\xBD") != std::string::npos);
  CHECK(detail.find("x") != std::string::npos);
}

TEST_CASE("an unknown query key that is not UTF-8 is named in valid UTF-8", "[api]") {
  ApiHarness api;
  const auto res = api.get("/api/v1/tickets?%FEkey=1");
  REQUIRE(res.status == 400);
  boost::system::error_code ec;
  const auto body = boost::json::parse(res.body, ec);
  REQUIRE_FALSE(ec);
  CHECK(std::string(body.at("errors").at(0).at("field").as_string()) == "\xEF\xBF\xBDkey");
}

}  // namespace triaged::testing
