// issue 17: the header checks the HTTP session runs before any endpoint (http/strict_headers.h);
// e2e/security_test.cpp sends the same over a socket to the real daemon.
#include <catch2/catch.hpp>

#include "http/strict_headers.h"

namespace triaged::testing {
namespace {

using daemon::check_header_counts;
using daemon::check_obs_fold;
using daemon::header_block_end;

TEST_CASE("HTTP/1.1 needs exactly one Host and any request at most one Authorization", "[strict]") {
  CHECK_FALSE(check_header_counts({11, 1, 1}));
  CHECK_FALSE(check_header_counts({10, 0, 0}));
  auto none = check_header_counts({11, 0, 0});
  REQUIRE(none);
  CHECK(none->status == 400);
  CHECK(none->errors.at(0).field == "Host");
  CHECK(check_header_counts({11, 2, 0}));
  CHECK(check_header_counts({10, 2, 0}));
  auto two = check_header_counts({11, 1, 2});
  REQUIRE(two);
  CHECK(two->errors.at(0).field == "Authorization");
}

TEST_CASE("a header block ends at its empty line and is incomplete before it", "[strict]") {
  CHECK(header_block_end("GET / HTTP/1.1\r\nHost: a\r\n\r\nbody") == 27u);
  CHECK(header_block_end("\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n") == 29u);
  CHECK_FALSE(header_block_end("GET / HTTP/1.1\r\nHost: a\r\n"));
}

TEST_CASE("a header line continued with a space or a tab is obs-fold and refused", "[strict]") {
  CHECK_FALSE(check_obs_fold("GET / HTTP/1.1\r\nHost: a\r\nX-A: b c\r\n\r\n"));
  CHECK(check_obs_fold("GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n c\r\n\r\n"));
  CHECK(check_obs_fold("GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n\tc\r\n\r\n"));
}

}  // namespace
}  // namespace triaged::testing
