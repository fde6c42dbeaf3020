// Runs the real binaries for the end-to-end tests: a TempDir per test, run_program() for
// commands that exit by themselves (triagectl, a triaged that must refuse to start), and
// DaemonProcess, which starts `triaged` on 127.0.0.1:0, learns its port from the line it
// prints, and stops it with SIGTERM. The children's stdout and stderr go to files in the
// TempDir, so no pipe can fill up and block them.
#pragma once

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <regex>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

extern char** environ;

namespace triaged::e2e {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

inline std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

inline void write_file(const fs::path& path, std::string_view text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) FAIL("cannot write " << path);
}

inline std::string binary(const char* name) { return (fs::path(TRIAGED_BIN_DIR) / name).string(); }

// A fresh directory under the system temp dir, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    std::random_device random;
    path_ = fs::temp_directory_path() / ("triaged-e2e-" + std::to_string(::getpid()) + "-" +
                                         std::to_string(counter++) + "-" + std::to_string(random()));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const fs::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  // Writes `text` to `name` in this directory and returns its path.
  std::string write(const std::string& name, std::string_view text) const {
    write_file(path_ / name, text);
    return file(name);
  }

 private:
  fs::path path_;
};

// A child process whose stdout and stderr are redirected to the given files, and stdin read
// from `in_path`.
inline pid_t spawn(const std::vector<std::string>& args, const std::string& out_path, const std::string& err_path,
                   const std::string& in_path = "/dev/null") {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, in_path.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) FAIL("cannot start " << args[0] << ": " << std::strerror(rc));
  return pid;
}

// Exit code of `pid` if it exits within `timeout` (128 + signal if a signal killed it).
inline std::optional<int> wait_exit(pid_t pid, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    int status = 0;
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (done < 0) return -1;
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(5ms);
  }
}

inline void kill_and_reap(pid_t pid) {
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
}

struct ProgramResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs a program to completion, its stdin read from `in_path`; fails the test (after killing
// it) if it runs past `timeout`.
inline ProgramResult run_program(const std::vector<std::string>& args, const TempDir& dir,
                                 std::chrono::milliseconds timeout = 10s, const std::string& in_path = "/dev/null") {
  static std::atomic<int> counter{0};
  const std::string stem = "run-" + std::to_string(counter++);
  const pid_t pid = spawn(args, dir.file(stem + ".out"), dir.file(stem + ".err"), in_path);
  auto code = wait_exit(pid, timeout);
  if (!code) {
    kill_and_reap(pid);
    FAIL(args[0] << " still running after " << timeout.count() << " ms; stderr:\n"
                 << read_file(dir.file(stem + ".err")));
  }
  return {*code, read_file(dir.file(stem + ".out")), read_file(dir.file(stem + ".err"))};
}

// `triaged --listen 127.0.0.1:0 --db <dir>/t.db [--rules <file>] extra...` (no --db of its own
// when `extra` has one), running until stop() or destruction. The constructor fails the test,
// with the daemon's stderr, if the daemon exits or stays silent instead of printing its
// "listening" line.
class DaemonProcess {
 public:
  DaemonProcess(const TempDir& dir, const std::string& rules_path, std::vector<std::string> extra = {}) {
    static std::atomic<int> counter{0};
    const std::string stem = "triaged-" + std::to_string(counter++);
    out_path_ = dir.file(stem + ".out");
    err_path_ = dir.file(stem + ".err");
    std::vector<std::string> args{binary("triaged"), "--listen", "127.0.0.1:0"};
    // An --db among `extra` (a postgresql:// URL) replaces the test's SQLite file.
    if (std::find(extra.begin(), extra.end(), "--db") == extra.end()) args.insert(args.end(), {"--db", dir.file("t.db")});
    if (!rules_path.empty()) args.insert(args.end(), {"--rules", rules_path});
    args.insert(args.end(), extra.begin(), extra.end());
    pid_ = spawn(args, out_path_, err_path_);

    static const std::regex kListening(R"(triaged listening on 127\.0\.0\.1:(\d+)\n)");
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    for (;;) {
      std::smatch m;
      const std::string out = read_file(out_path_);
      if (std::regex_search(out, m, kListening)) {
        port_ = static_cast<unsigned short>(std::stoi(m[1].str()));
        return;
      }
      if (auto code = wait_exit(pid_, 0ms)) {
        pid_ = -1;
        FAIL("triaged exited with code " << *code << " instead of listening; stderr:\n" << read_file(err_path_));
      }
      if (std::chrono::steady_clock::now() >= deadline) {
        kill_and_reap(pid_);
        pid_ = -1;
        FAIL("triaged printed no \"listening\" line in 10 s; stdout:\n"
             << out << "\nstderr:\n" << read_file(err_path_));
      }
      std::this_thread::sleep_for(5ms);
    }
  }

  ~DaemonProcess() {
    if (pid_ < 0) return;
    const int code = stop();
    // While unwinding from a failed REQUIRE the test has failed already; just clean up.
    if (std::uncaught_exceptions() == 0) {
      INFO("triaged stderr:\n" << stderr_text());
      CHECK(code == 0);
    }
  }
  DaemonProcess(const DaemonProcess&) = delete;
  DaemonProcess& operator=(const DaemonProcess&) = delete;

  unsigned short port() const { return port_; }
  pid_t pid() const { return pid_; }

  // SIGTERM, then the exit code; a daemon still running after 15 s is killed (-1).
  int stop() {
    if (pid_ < 0) return exit_code_;
    ::kill(pid_, SIGTERM);
    auto code = wait_exit(pid_, 15s);
    if (!code) kill_and_reap(pid_);
    exit_code_ = code.value_or(-1);
    pid_ = -1;
    return exit_code_;
  }

  // The exit code once the daemon exits after a signal the test sent itself (a second SIGTERM
  // during the drain would end it at once); a daemon still running after `timeout` is killed (-1).
  int wait_for_exit(std::chrono::milliseconds timeout = 15s) {
    if (pid_ < 0) return exit_code_;
    auto code = wait_exit(pid_, timeout);
    if (!code) kill_and_reap(pid_);
    exit_code_ = code.value_or(-1);
    pid_ = -1;
    return exit_code_;
  }

  std::string stdout_text() const { return read_file(out_path_); }
  std::string stderr_text() const { return read_file(err_path_); }

 private:
  std::string out_path_;
  std::string err_path_;
  pid_t pid_ = -1;
  unsigned short port_ = 0;
  int exit_code_ = -1;
};

}  // namespace triaged::e2e
