// `triagectl parse-mail --summary` over the mail module's fixtures, as a directory and as an
// mbox made of them plus generated mail (new reports and replies to them).
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include "daemon_process.h"
#include "mbox_fixture.h"

namespace triaged::e2e {
namespace {

namespace json = boost::json;

TEST_CASE("parse-mail summary counts how a directory of mail reads and names the worst", "[e2e][mail-summary]") {
  TempDir dir;
  auto run = run_program({binary("triagectl"), "parse-mail", "--summary", "--json", kFixtures.string()}, dir, 30s);
  INFO(run.out << run.err);
  REQUIRE(run.exit_code == 0);
  auto summary = json::parse(run.out).as_object();
  long files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(kFixtures)) ++files;
  CHECK(summary.at("messages").to_number<long>() == files);
  CHECK(summary.at("unparseable").to_number<long>() == 1);
  CHECK(summary.at("robots").to_number<long>() >= 10);
  CHECK(summary.at("bounces").to_number<long>() >= 3);
  CHECK(summary.at("guessed_charsets").as_object().contains("windows-1251"));
  const auto& worst = summary.at("worst").as_array();
  REQUIRE_FALSE(worst.empty());
  CHECK_THAT(std::string(worst.at(0).at("where").as_string()), Catch::EndsWith("garbage_no_headers.bin"));
}

TEST_CASE("parse-mail summary reads an mbox and names messages by offset", "[e2e][mail-summary]") {
  TempDir dir;
  const Mbox mbox = make_mbox(dir);
  auto run = run_program({binary("triagectl"), "parse-mail", "--summary", mbox.path}, dir, 30s);
  INFO(run.out << run.err);
  REQUIRE(run.exit_code == 0);
  CHECK_THAT(run.out, Catch::StartsWith(std::to_string(mbox.offsets.size()) + " messages, "));
  CHECK_THAT(run.out, Catch::Contains(mbox.path + "@") && Catch::Contains("worst messages:"));
}

TEST_CASE("parse-mail says why a person's mail may get no automatic reply", "[e2e][mail-summary]") {
  TempDir dir;
  auto run = run_program({binary("triagectl"), "parse-mail", (kFixtures / "auto_response_suppress_person.eml").string()}, dir);
  REQUIRE(run.exit_code == 0);
  auto parsed = json::parse(run.out).as_object();
  CHECK(parsed.at("automatic") == "");
  CHECK(parsed.at("no_auto_reply") == "X-Auto-Response-Suppress: All");
}

}  // namespace
}  // namespace triaged::e2e
