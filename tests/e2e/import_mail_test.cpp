// `triagectl import-mail` against the real daemon: an mbox made of the mail module's fixtures
// plus generated mail (new reports and replies to them) goes in through the live ingest
// endpoint; the counts it prints match what the API then holds, a second import stores
// nothing, and a saved position resumes where it says.
#include <catch2/catch.hpp>

#include <regex>

#include "daemon_process.h"
#include "http_client.h"
#include "mbox_fixture.h"

namespace triaged::e2e {
namespace {

namespace json = boost::json;

// "  created                 20" -> 20; the summary's line for `label`.
long count_of(const std::string& out, const std::string& label) {
  std::smatch m;
  if (!std::regex_search(out, m, std::regex("\\n  " + label + " +([0-9]+)\\n"))) FAIL("no '" << label << "' in:\n" << out);
  return std::stol(m[1]);
}

long messages_of(const std::string& out) {
  std::smatch m;
  if (!std::regex_search(out, m, std::regex("^([0-9]+) messages in"))) FAIL("no message count in:\n" << out);
  return std::stol(m[1]);
}

long stored_tickets(unsigned short port) {
  long stored = 0;
  std::string cursor;
  do {
    auto page = json_of(http_get(port, "/api/v1/tickets?limit=500" + (cursor.empty() ? "" : "&cursor=" + cursor)));
    stored += static_cast<long>(page.at("tickets").as_array().size());
    cursor = page.at("next_cursor").is_null() ? "" : std::string(page.at("next_cursor").as_string());
  } while (!cursor.empty());
  return stored;
}

long quarantined(unsigned short port) {
  return static_cast<long>(json_of(http_get(port, "/api/v1/quarantine?limit=500")).at("quarantine").as_array().size());
}

std::vector<std::string> import_args(const DaemonProcess& daemon, std::vector<std::string> more) {
  std::vector<std::string> args{binary("triagectl"), "import-mail", "--url",
                                "http://127.0.0.1:" + std::to_string(daemon.port()), "--mailbox", "support@shop.example"};
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

TEST_CASE("an imported mbox makes the tickets and quarantine entries its summary counts", "[e2e][import]") {
  TempDir dir;
  DaemonProcess daemon(dir, "");
  const Mbox mbox = make_mbox(dir);
  auto run = run_program(import_args(daemon, {"--mbox", mbox.path}), dir, 60s);
  INFO(run.out << run.err);
  CHECK(run.exit_code == 0);
  CHECK(messages_of(run.out) == static_cast<long>(mbox.offsets.size()));
  CHECK(count_of(run.out, "failed") == 0);
  CHECK(count_of(run.out, "created") + count_of(run.out, "created, needs_info") == stored_tickets(daemon.port()));
  CHECK(count_of(run.out, "quarantined") == quarantined(daemon.port()));
  CHECK(count_of(run.out, "quarantined") >= 10);  // the fixtures' robots
  CHECK(count_of(run.out, "threaded \\(appended\\)") >= kGenerated);  // every reply joined its report
  CHECK(read_file(mbox.path + ".import-state") == "mbox " + std::to_string(mbox.size) + "\n");
}

TEST_CASE("importing the same mbox twice creates nothing new", "[e2e][import]") {
  TempDir dir;
  DaemonProcess daemon(dir, "");
  const Mbox mbox = make_mbox(dir);
  REQUIRE(run_program(import_args(daemon, {"--mbox", mbox.path}), dir, 60s).exit_code == 0);
  const long tickets = stored_tickets(daemon.port());
  const long held = quarantined(daemon.port());
  // A fresh state file: every message is sent again, and the daemon knows each one.
  auto again = run_program(import_args(daemon, {"--mbox", mbox.path, "--state", dir.file("second.state")}), dir, 60s);
  INFO(again.out << again.err);
  CHECK(again.exit_code == 0);
  CHECK(count_of(again.out, "already imported") == static_cast<long>(mbox.offsets.size()));
  CHECK(count_of(again.out, "created") == 0);
  CHECK(stored_tickets(daemon.port()) == tickets);
  CHECK(quarantined(daemon.port()) == held);
  // With the first run's state file there is nothing left to send.
  auto resumed = run_program(import_args(daemon, {"--mbox", mbox.path}), dir, 60s);
  CHECK(messages_of(resumed.out) == 0);
}

TEST_CASE("an import resumes at the mbox offset its state file holds", "[e2e][import]") {
  TempDir dir;
  DaemonProcess daemon(dir, "");
  const Mbox mbox = make_mbox(dir);
  const std::size_t first_reply = mbox.offsets.size() - kGenerated;
  dir.write("backlog.mbox.import-state", "mbox " + std::to_string(mbox.offsets[first_reply]) + "\n");
  auto run = run_program(import_args(daemon, {"--mbox", mbox.path}), dir, 60s);
  INFO(run.out << run.err);
  CHECK(run.exit_code == 0);
  CHECK(messages_of(run.out) == kGenerated);
  // The replies' reports were never sent, so each is a new ticket of its own.
  CHECK(count_of(run.out, "created") + count_of(run.out, "created, needs_info") == kGenerated);
  CHECK(stored_tickets(daemon.port()) == kGenerated);
}

TEST_CASE("a maildir import resumes after the file its state file names", "[e2e][import]") {
  TempDir dir;
  DaemonProcess daemon(dir, "");
  fs::create_directories(dir.path() / "Maildir/cur");
  fs::create_directories(dir.path() / "Maildir/new");
  for (int n = 0; n < 3; ++n)
    dir.write("Maildir/cur/17330" + std::to_string(n) + ".M1.host:2,S", generated(n, false));
  dir.write("Maildir/new/17339.M1.host", generated(3, false));
  dir.write("Maildir.import-state", "maildir " + dir.file("Maildir/cur/173300.M1.host:2,S") + "\n");
  auto run = run_program(import_args(daemon, {"--maildir", dir.file("Maildir")}), dir, 60s);
  INFO(run.out << run.err);
  CHECK(run.exit_code == 0);
  CHECK(messages_of(run.out) == 3);
  CHECK(stored_tickets(daemon.port()) == 3);
  CHECK(read_file(dir.file("Maildir.import-state")) == "maildir " + dir.file("Maildir/new/17339.M1.host") + "\n");
}

TEST_CASE("a dry run stores nothing and counts the topics the rules would choose", "[e2e][import]") {
  TempDir dir;
  DaemonProcess daemon(dir, "");
  const Mbox mbox = make_mbox(dir);
  auto run = run_program(import_args(daemon, {"--mbox", mbox.path, "--dry-run"}), dir, 60s);
  INFO(run.out << run.err);
  CHECK_THAT(run.out, Catch::Contains("dry run, nothing stored") && Catch::Contains("by topic:") &&
                          Catch::Contains("delivery") && Catch::Contains("unreadable:"));
  CHECK_THAT(run.out, Catch::Contains("cannot be parsed"));
  CHECK(stored_tickets(daemon.port()) == 0);
  CHECK(quarantined(daemon.port()) == 0);
  CHECK_FALSE(fs::exists(mbox.path + ".import-state"));
}

// A config whose one admin key may make `per_second` requests a second; returns the key.
std::string rate_limited_key(const TempDir& dir, int per_second, std::string& config) {
  auto made = run_program({binary("triagectl"), "key", "new", "--role", "admin", "--name", "importer"}, dir);
  REQUIRE(made.exit_code == 0);
  std::smatch key;
  REQUIRE(std::regex_search(made.out, key, std::regex(R"(key: (tgd_[0-9a-f]{64})\n)")));
  config = dir.write("triaged.yaml", "api_keys:\n" + made.out.substr(made.out.find("  - name:")) +
                                         "    rate_limit: {per_second: " + std::to_string(per_second) + ", burst: 1}\n");
  return key[1].str();
}

std::string generated_mbox(const TempDir& dir, int count, std::vector<std::uint64_t>& offsets) {
  std::string mbox;
  for (int n = 0; n < count; ++n) append_message(mbox, offsets, generated(n, false));
  return dir.write("generated.mbox", mbox);
}

// A daemon whose one admin key may make `per_second` requests a second, and an mbox of 12
// generated reports.
class RateLimitedImport {
 public:
  explicit RateLimitedImport(int per_second)
      : key_(rate_limited_key(dir_, per_second, config_)),
        daemon_(dir_, "", {"--config", config_}),
        path_(generated_mbox(dir_, 12, offsets_)) {}
  struct Parts {
    const TempDir& dir;
    const std::string& key;
    const DaemonProcess& daemon;
    const std::vector<std::uint64_t>& offsets;
    const std::string& path;
  };
  Parts parts() const { return {dir_, key_, daemon_, offsets_, path_}; }

 private:
  TempDir dir_;
  std::string config_;
  std::string key_;
  DaemonProcess daemon_;
  std::vector<std::uint64_t> offsets_;
  std::string path_;
};

TEST_CASE("an import slowed by the daemon's rate limit waits and loses nothing", "[e2e][import]") {
  RateLimitedImport run_with(5);
  const auto& [dir, key, daemon, offsets, path] = run_with.parts();
  auto run = run_program(import_args(daemon, {"--mbox", path, "--api-key", key}), dir, 60s);
  INFO(run.out << run.err);
  CHECK(run.exit_code == 0);
  CHECK(count_of(run.out, "created") + count_of(run.out, "created, needs_info") == 12);
  CHECK(count_of(run.out, "failed") == 0);
  CHECK_THAT(run.out, Catch::Contains("waited and retried"));
}

TEST_CASE("an interrupted import saves its position and the rerun brings in the rest", "[e2e][import]") {
  RateLimitedImport run_with(2);
  const auto& [dir, key, daemon, offsets, path] = run_with.parts();
  const pid_t pid = spawn(import_args(daemon, {"--mbox", path, "--api-key", key}), dir.file("first.out"), dir.file("first.err"));
  std::this_thread::sleep_for(1500ms);
  ::kill(pid, SIGINT);
  const auto code = wait_exit(pid, 10s);
  const std::string first = read_file(dir.file("first.out"));
  INFO(first << read_file(dir.file("first.err")));
  CHECK(code == 130);
  CHECK_THAT(first, Catch::Contains("interrupted") && Catch::Contains("resume with the same command"));
  const long done = messages_of(first);
  CHECK(done > 0);
  CHECK(done < 12);
  CHECK(read_file(path + ".import-state") == "mbox " + std::to_string(offsets[static_cast<std::size_t>(done)]) + "\n");
  auto rest = run_program(import_args(daemon, {"--mbox", path, "--api-key", key}), dir, 60s);
  INFO(rest.out << rest.err);
  CHECK(rest.exit_code == 0);
  CHECK(messages_of(rest.out) == 12 - done);
  CHECK(count_of(rest.out, "already imported") == 0);
}

TEST_CASE("import-mail exits 2 without an input and 1 when the daemon is down", "[e2e][import]") {
  TempDir dir;
  auto usage = run_program({binary("triagectl"), "import-mail", "--url", "http://127.0.0.1:9"}, dir);
  CHECK(usage.exit_code == 2);
  dir.write("one.mbox", "From a@b Mon Dec  7 10:00:00 2026\nFrom: a@example.com\nSubject: s\n\nhi\n");
  auto down = run_program({binary("triagectl"), "import-mail", "--mbox", dir.file("one.mbox"), "--url",
                           "http://127.0.0.1:9", "--timeout", "1"}, dir, 120s);
  INFO(down.out << down.err);
  CHECK(down.exit_code == 1);
  CHECK_THAT(down.err, Catch::Contains("stopped at"));
}

}  // namespace
}  // namespace triaged::e2e
