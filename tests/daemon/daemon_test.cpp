// The Daemon in-process on port 0: start, reload (build off to the side, then swap), stop.
#include <catch2/catch.hpp>

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <random>

#include "app/daemon.h"
#include "rules/rules.h"
#include "test_rules.h"

namespace triaged::testing {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = fs::temp_directory_path() / ("triaged-daemon-test-" + std::to_string(::getpid()) + "-" +
                                         std::to_string(counter++) + "-" + std::to_string(std::random_device{}()));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  std::string write(const std::string& name, std::string_view text) const {
    std::ofstream(path_ / name, std::ios::binary | std::ios::trunc) << text;
    return file(name);
  }

 private:
  fs::path path_;
};

std::string version_of(std::string_view yaml) {
  auto loaded = rules::load_rules_text(yaml, "x.yaml");
  REQUIRE(loaded.has_value());
  return loaded->version;
}

daemon::DaemonOptions options_in(const TempDir& dir, std::string_view rules_yaml) {
  spdlog::set_level(spdlog::level::warn);
  daemon::DaemonOptions options;
  options.listen = "127.0.0.1:0";
  options.db_path = dir.file("data/t.db");
  options.rules_path = dir.write("rules.yaml", rules_yaml);
  options.threads = 1;
  return options;
}

TEST_CASE("a Daemon on port 0 binds a free port and serves the rules it was given", "[daemon]") {
  TempDir dir;
  daemon::Daemon d(options_in(dir, kTestRules));
  auto started = d.start();
  INFO((started ? "" : started.error()));
  REQUIRE(started.has_value());
  CHECK(d.port() != 0);
  CHECK(d.rules_version() == version_of(kTestRules));
  CHECK(fs::exists(dir.file("data/t.db")));  // the database's folder is created
  d.stop();
  d.stop();  // idempotent
  d.wait();  // returns at once once stopped
}

TEST_CASE("reload swaps in the edited rule file and returns its version", "[daemon]") {
  TempDir dir;
  daemon::Daemon d(options_in(dir, kTestRules));
  REQUIRE(d.start().has_value());
  const std::string edited = replace_once(kTestRules, "sla: 24h", "sla: 48h");
  dir.write("rules.yaml", edited);
  auto reloaded = d.reload();
  INFO((reloaded ? "" : reloaded.error()));
  REQUIRE(reloaded.has_value());
  CHECK(*reloaded == version_of(edited));
  CHECK(d.rules_version() == *reloaded);
  CHECK(*reloaded != version_of(kTestRules));
}

TEST_CASE("a failed reload keeps the old rules live and returns the located errors", "[daemon]") {
  TempDir dir;
  daemon::Daemon d(options_in(dir, kTestRules));
  REQUIRE(d.start().has_value());
  const std::string broken = replace_once(kTestRules, "department: billing\n", "department: finance\n");
  const std::string path = dir.write("rules.yaml", broken);
  auto reloaded = d.reload();
  REQUIRE_FALSE(reloaded.has_value());
  CHECK_THAT(reloaded.error(), Catch::StartsWith(path + ":"));
  CHECK_THAT(reloaded.error(), Catch::Contains("unknown department \"finance\""));
  CHECK(d.rules_version() == version_of(kTestRules));
}

TEST_CASE("start fails naming the database when it cannot be opened", "[daemon]") {
  TempDir dir;
  auto options = options_in(dir, kTestRules);
  fs::create_directories(dir.file("a-directory.db"));
  options.db_path = dir.file("a-directory.db");
  daemon::Daemon d(options);
  auto started = d.start();
  REQUIRE_FALSE(started.has_value());
  CHECK_THAT(started.error(), Catch::Contains("cannot open the database " + options.db_path));
  CHECK(d.port() == 0);
}

}  // namespace
}  // namespace triaged::testing
