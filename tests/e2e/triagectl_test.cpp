// The real triagectl binary: `check` loads rule sets exactly as the daemon does.
#include <catch2/catch.hpp>

#include "../daemon/test_rules.h"
#include "daemon_process.h"

namespace triaged::e2e {
namespace {

using triaged::testing::kTestRules;
using triaged::testing::line_of;
using triaged::testing::replace_once;

TEST_CASE("triagectl check exits 0 on a good rule file and reports its inline tests", "[e2e]") {
  TempDir dir;
  const std::string path = dir.write("rules.yaml", kTestRules);
  auto result = run_program({binary("triagectl"), "check", path}, dir);
  INFO("stderr:\n" << result.err);
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::StartsWith(path + ": ok, 3 topics, 1 inline tests passed, version sha256:"));
  CHECK(result.err.empty());
}

TEST_CASE("triagectl check exits 1 on a bad rule file with the located error on stderr", "[e2e]") {
  TempDir dir;
  const std::string yaml = replace_once(kTestRules, "    priority: high\n", "    priorty: high\n");
  const std::string path = dir.write("bad.yaml", yaml);
  auto result = run_program({binary("triagectl"), "check", path}, dir);
  CHECK(result.exit_code == 1);
  CHECK_THAT(result.err, Catch::StartsWith(path + ":" + std::to_string(line_of(yaml, "priorty")) +
                                           ":5: unknown key \"priorty\""));
  CHECK_THAT(result.err, Catch::Contains(path + ": 1 error(s)"));
  CHECK(result.out.empty());
}

TEST_CASE("triagectl check exits 1 if any one of several files is bad", "[e2e]") {
  TempDir dir;
  const std::string good = dir.write("good.yaml", kTestRules);
  const std::string bad = dir.write("bad.yaml", replace_once(kTestRules, "department: billing\n", "department: x\n"));
  auto result = run_program({binary("triagectl"), "check", good, bad}, dir);
  CHECK(result.exit_code == 1);
  CHECK_THAT(result.out, Catch::Contains(good + ": ok"));
  CHECK_THAT(result.err, Catch::Contains("unknown department \"x\""));
}

}  // namespace
}  // namespace triaged::e2e

namespace triaged::e2e {
namespace {

TEST_CASE("triagectl parse-mail prints what triaged reads from a mail and exits 1 on garbage", "[e2e]") {
  TempDir dir;
  const std::string good = dir.write("koi8.eml", std::string("From: Ivan <ivan@example.ru>\nSubject: =?KOI8-R?B?68/S0M/SwdTJ1w==?=\n"
                                                             "Content-Type: text/plain; charset=koi8-r\n\n") +
                                                     "\xf0\xd2\xc9\xd7\xc5\xd4\n");
  const std::string bad = dir.write("garbage.bin", std::string("\x01\x02 not a mail at all \x03", 23));
  auto result = run_program({binary("triagectl"), "parse-mail", good, bad}, dir);
  CHECK(result.exit_code == 1);
  CHECK_THAT(result.out, Catch::Contains("\"subject\":\"Корпоратив\"") && Catch::Contains("\"text_for_rules\":\"Привет\"") && Catch::Contains("\"address\":\"ivan@example.ru\""));
  CHECK_THAT(result.err, Catch::Contains(bad + ": ") && Catch::Contains("quarantine"));
}

}  // namespace
}  // namespace triaged::e2e
