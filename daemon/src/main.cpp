// triaged: flags in, Daemon out. Everything else lives in daemon.cpp.
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <cstdio>

#include "daemon.h"

int main(int argc, char** argv) {
  triaged::daemon::DaemonOptions options;
  options.handle_signals = true;
  std::string log_level = "info";
  CLI::App app{"triaged: routes helpdesk tickets to the right department's queue"};
  app.add_option("--listen", options.listen, "HOST:PORT to serve HTTP on; port 0 picks a free port")
      ->capture_default_str();
  app.add_option("--db", options.db_path, "SQLite database file (created if missing)")->capture_default_str();
  app.add_option("--rules", options.rules_path, "YAML rule set (default: the built-in example, examples/eshop-ru)");
  app.add_option("--threads", options.threads, "HTTP worker threads")->capture_default_str()->check(CLI::Range(1, 256));
  app.add_option("--max-body", options.max_body, "largest accepted request body in bytes")->capture_default_str();
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  spdlog::set_level(spdlog::level::from_str(log_level));

  triaged::daemon::Daemon daemon(options);
  if (auto started = daemon.start(); !started) {
    std::fprintf(stderr, "triaged: %s\n", started.error().c_str());
    return 1;
  }
  // Scripts and tests read the bound port from this line (it matters with --listen HOST:0).
  const auto colon = options.listen.rfind(':');
  std::printf("triaged listening on %s:%u\n", options.listen.substr(0, colon).c_str(), daemon.port());
  std::fflush(stdout);
  daemon.wait();
  return 0;
}
