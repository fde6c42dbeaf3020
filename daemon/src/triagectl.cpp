// triagectl: the admin's command line. Rule sets: check, test. Email: mailgate (the MTA's
// pipe), parse-mail (what triaged reads from a file), quarantine list and reprocess.
#include <CLI/CLI.hpp>
#include <sysexits.h>

#include <boost/json.hpp>

#include <cstdio>

#include "cli_http.h"
#include "mailgate.h"
#include "parse_mail_command.h"
#include "rules/rules.h"

namespace {

namespace json = boost::json;
using triaged::cli::HttpCall;
using triaged::cli::http_call;
using triaged::cli::join_url;

// Loads a rule set exactly as the daemon does (which also runs its inline tests).
int check(const std::vector<std::string>& paths, bool quiet) {
  int failed = 0;
  for (const auto& path : paths) {
    auto loaded = triaged::rules::load_rules_file(path);
    if (!loaded) {
      for (const auto& d : loaded.error()) std::fprintf(stderr, "%s\n", d.to_string().c_str());
      std::fprintf(stderr, "%s: %zu error(s)\n", path.c_str(), loaded.error().size());
      ++failed;
      continue;
    }
    if (!quiet)
      std::printf("%s: ok, %zu topics, %zu inline tests passed, version %s\n", path.c_str(),
                  loaded->rules->spec().topics.size(), loaded->tests_passed, loaded->version.c_str());
  }
  return failed == 0 ? 0 : 1;
}

struct Daemon {
  std::string url = "http://127.0.0.1:8080";
  std::string api_key;
  int timeout = 60;

  std::optional<json::value> call(const std::string& method, const std::string& path) const {
    HttpCall c;
    c.method = method;
    c.url = join_url(url, path);
    c.api_key = api_key;
    c.timeout = std::chrono::seconds(timeout);
    auto reply = http_call(c);
    if (reply.status == 0) {
      std::fprintf(stderr, "triagectl: %s: %s\n", c.url.c_str(), reply.error.c_str());
      return std::nullopt;
    }
    boost::system::error_code ec;
    json::value body = json::parse(reply.body, ec);
    if (reply.status >= 300 || ec) {
      std::fprintf(stderr, "triagectl: %s %s: HTTP %ld %s\n", method.c_str(), c.url.c_str(), reply.status,
                   reply.body.c_str());
      return std::nullopt;
    }
    return body;
  }
};

std::string str(const json::object& o, const char* key) {
  auto* v = o.if_contains(key);
  if (!v) return "";
  if (v->is_string()) return std::string(v->as_string());
  if (v->is_null()) return "";
  return json::serialize(*v);
}

int quarantine_list(const Daemon& d, bool all) {
  auto body = d.call("GET", std::string("/api/v1/quarantine?limit=500") + (all ? "" : "&status=held"));
  if (!body) return EX_UNAVAILABLE;
  const auto& list = body->as_object().at("quarantine").as_array();
  for (const auto& v : list) {
    const auto& q = v.as_object();
    std::printf("%6s  %s  %-11s %8s B  %s  %s\n", str(q, "id").c_str(), str(q, "at").c_str(), str(q, "status").c_str(),
                str(q, "raw_size").c_str(), str(q, "mailbox").c_str(), str(q, "reason").c_str());
  }
  std::printf("%zu message(s)\n", list.size());
  return 0;
}

// Runs each held message through ingest again (after a parser fix or a rule change): one
// line per message with what became of it, and a summary.
int quarantine_reprocess(const Daemon& d, std::vector<std::int64_t> ids, bool all) {
  if (all) {
    auto body = d.call("GET", "/api/v1/quarantine?limit=500&status=held");
    if (!body) return EX_UNAVAILABLE;
    for (const auto& v : body->as_object().at("quarantine").as_array())
      ids.push_back(v.as_object().at("id").to_number<std::int64_t>());
  }
  int failed = 0, still_held = 0;
  std::size_t done = 0;
  for (auto id : ids) {
    ++done;
    auto body = d.call("POST", "/api/v1/quarantine/" + std::to_string(id) + "/reprocess");
    if (!body) {
      ++failed;
      continue;
    }
    const auto& o = body->as_object();
    std::string ref;
    if (auto* t = o.if_contains("ticket"); t && t->is_object()) ref = str(t->as_object(), "ref");
    const std::string outcome = str(o, "outcome");
    if (outcome == "quarantined") ++still_held;
    std::printf("[%zu/%zu] %lld: %s %s\n", done, ids.size(), static_cast<long long>(id), outcome.c_str(), ref.c_str());
  }
  std::printf("%zu reprocessed, %d still quarantined, %d failed\n", ids.size(), still_held, failed);
  return failed == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"triagectl: check rule sets, deliver mail into triaged, manage its quarantine"};
  app.require_subcommand(1);
  std::vector<std::string> paths;
  bool quiet = false;
  auto* check_cmd = app.add_subcommand("check", "load rule sets as the daemon does; exit 1 on any error");
  check_cmd->add_option("RULES", paths, "rule set files")->required()->check(CLI::ExistingFile);
  check_cmd->add_flag("-q,--quiet", quiet, "print errors only");
  auto* test_cmd = app.add_subcommand("test", "run the inline tests of rule sets; exit 1 on any failure");
  test_cmd->add_option("RULES", paths, "rule set files")->required()->check(CLI::ExistingFile);

  triaged::cli::MailgateOptions gate;
  int gate_timeout = static_cast<int>(gate.timeout.count());
  auto* gate_cmd = app.add_subcommand(
      "mailgate", "read one message on stdin and deliver it to the daemon (for an MTA's pipe); "
                  "exit 0 stored, 75 try again later, 65 refused");
  gate_cmd->add_option("--url", gate.url, "the daemon's base URL")->capture_default_str();
  gate_cmd->add_option("--api-key", gate.api_key, "API key (also TRIAGED_API_KEY)")->envname("TRIAGED_API_KEY");
  gate_cmd->add_option("--mailbox", gate.mailbox, "the address this mail was delivered to, e.g. support@example.com");
  gate_cmd->add_option("--timeout", gate_timeout, "seconds to wait for the daemon")->capture_default_str()
      ->check(CLI::Range(1, 3600));
  gate_cmd->add_flag("-q,--quiet", gate.quiet, "print nothing when the message was stored");

  std::vector<std::string> mail_files;
  bool with_text = false;
  auto* parse_cmd = app.add_subcommand("parse-mail", "show what triaged reads from .eml files (one JSON line each)");
  parse_cmd->add_option("FILE", mail_files, "message files")->required()->check(CLI::ExistingFile);
  parse_cmd->add_flag("--text", with_text, "include the full text, quotes and signature included");

  Daemon daemon;
  auto* q_cmd = app.add_subcommand("quarantine", "mail that could not become a ticket");
  q_cmd->require_subcommand(1);
  q_cmd->add_option("--url", daemon.url, "the daemon's base URL")->capture_default_str();
  q_cmd->add_option("--api-key", daemon.api_key, "API key (also TRIAGED_API_KEY)")->envname("TRIAGED_API_KEY");
  bool list_all = false, reprocess_all = false;
  std::vector<std::int64_t> ids;
  auto* q_list = q_cmd->add_subcommand("list", "held messages (with --all, reprocessed ones too)");
  q_list->add_flag("--all", list_all, "include reprocessed messages");
  auto* q_re = q_cmd->add_subcommand("reprocess", "run quarantined messages through ingest again");
  q_re->add_option("ID", ids, "quarantine ids");
  q_re->add_flag("--all", reprocess_all, "every held message");

  CLI11_PARSE(app, argc, argv);
  if (gate_cmd->parsed()) {
    gate.timeout = std::chrono::seconds(gate_timeout);
    return triaged::cli::run_mailgate(gate, stdin);
  }
  if (parse_cmd->parsed()) return triaged::cli::parse_mail_files(mail_files, with_text);
  if (q_list->parsed()) return quarantine_list(daemon, list_all);
  if (q_re->parsed()) {
    if (ids.empty() && !reprocess_all) {
      std::fprintf(stderr, "triagectl quarantine reprocess: give quarantine ids or --all\n");
      return EX_USAGE;
    }
    return quarantine_reprocess(daemon, ids, reprocess_all);
  }
  return check(paths, quiet);
}
