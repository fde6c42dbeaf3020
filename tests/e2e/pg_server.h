// A throw-away PostgreSQL for an end-to-end test: the server TRIAGED_TEST_PG_URL names (as
// `scripts/pg-test-server run -- ...` sets it), or else one of its own that
// scripts/pg-test-server starts in the test's TempDir and stops at destruction. available() is
// false only when PostgreSQL 15 is not installed: the test then says it was skipped.
#pragma once

#include <cstdlib>

#include "daemon_process.h"

namespace triaged::e2e {

class PgServer {
 public:
  explicit PgServer(const TempDir& dir) : dir_(dir) {
    if (const char* url = std::getenv("TRIAGED_TEST_PG_URL"); url != nullptr && *url != '\0') {
      url_ = url;
      return;
    }
    if (!fs::exists("/usr/lib/postgresql/15/bin/initdb")) return;
    state_ = dir.file("pg-state");
    auto started = run_program({script(), "start", state_}, dir, std::chrono::seconds(120));
    INFO("pg-test-server start:\n" << started.err);
    REQUIRE(started.exit_code == 0);
    url_ = read_file(fs::path(state_) / "url");
    while (!url_.empty() && (url_.back() == '\n' || url_.back() == ' ')) url_.pop_back();
    REQUIRE(!url_.empty());
  }
  // Never fails the test (it may run while one unwinds): a stop that hangs is killed.
  ~PgServer() {
    if (state_.empty()) return;
    const pid_t pid = spawn({script(), "stop", state_}, dir_.file("pg-stop.out"), dir_.file("pg-stop.err"));
    if (!wait_exit(pid, std::chrono::seconds(60))) kill_and_reap(pid);
  }
  PgServer(const PgServer&) = delete;
  PgServer& operator=(const PgServer&) = delete;

  bool available() const { return !url_.empty(); }
  // postgresql://USER@127.0.0.1:PORT/postgres?passfile=...: no password in it.
  const std::string& url() const { return url_; }

  // Runs `sql` with psql as the test's user; fails the test if psql does.
  std::string psql(const std::string& sql) const {
    auto done = run_program({"/usr/lib/postgresql/15/bin/psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                             "-d", url_, "-c", sql},
                            dir_, std::chrono::seconds(30));
    INFO("psql " << sql << ":\n" << done.err);
    REQUIRE(done.exit_code == 0);
    return done.out;
  }

 private:
  static std::string script() { return std::string(TRIAGED_SOURCE_DIR) + "/scripts/pg-test-server"; }

  const TempDir& dir_;
  std::string state_;
  std::string url_;
};

}  // namespace triaged::e2e
