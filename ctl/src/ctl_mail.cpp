// triagectl's email commands: mailgate (the MTA's pipe), parse-mail (what triaged reads from
// a file), quarantine list and reprocess (through the daemon's API).
#include <sysexits.h>

#include <boost/json.hpp>

#include <cstdio>

#include "ctl_http.h"
#include "ctl_commands.h"
#include "ctl_mailgate.h"
#include "ctl_import_mail.h"
#include "ctl_parse_mail.h"

namespace triaged::cli {
namespace {

namespace json = boost::json;

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

void add_mail_commands(CLI::App& app, Run& run) {
  auto gate = std::make_shared<MailgateOptions>();
  auto gate_timeout = std::make_shared<int>(static_cast<int>(gate->timeout.count()));
  auto* gate_cmd = app.add_subcommand(
      "mailgate", "read one message on stdin and deliver it to the daemon (for an MTA's pipe); "
                  "exit 0 stored, 75 try again later, 65 refused");
  gate_cmd->add_option("--url", gate->url, "the daemon's base URL")->capture_default_str();
  gate_cmd->add_option("--api-key", gate->api_key, "API key (also TRIAGED_API_KEY)")->envname("TRIAGED_API_KEY");
  gate_cmd->add_option("--mailbox", gate->mailbox, "the address this mail was delivered to, e.g. support@example.com");
  gate_cmd->add_option("--timeout", *gate_timeout, "seconds to wait for the daemon")->capture_default_str()
      ->check(CLI::Range(1, 3600));
  gate_cmd->add_flag("-q,--quiet", gate->quiet, "print nothing when the message was stored");
  gate_cmd->callback([&run, gate, gate_timeout] {
    run = [gate, gate_timeout] {
      gate->timeout = std::chrono::seconds(*gate_timeout);
      return run_mailgate(*gate, stdin);
    };
  });

  struct ParseOptions {
    std::vector<std::string> files;
    bool with_text = false;
    bool summary = false;
    bool json = false;
  };
  auto parse = std::make_shared<ParseOptions>();
  auto* parse_cmd = app.add_subcommand(
      "parse-mail", "show what triaged reads from .eml files (one JSON line each), or with --summary how it "
                    "reads a whole export (an mbox, a Maildir, a directory)");
  parse_cmd->add_option("FILE", parse->files, "message files; with --summary also an mbox or directories")
      ->required()->check(CLI::ExistingPath);
  parse_cmd->add_flag("--text", parse->with_text, "include the full text, quotes and signature included");
  parse_cmd->add_flag("--summary", parse->summary, "counts of what reads badly and the worst messages");
  parse_cmd->add_flag("--json", parse->json, "with --summary: the summary as one JSON object");
  parse_cmd->callback([&run, parse] {
    run = [parse] {
      if (parse->summary) return parse_mail_summary(parse->files, parse->json);
      return parse_mail_files(parse->files, parse->with_text);
    };
  });

  add_import_mail_command(app, run);

  struct QuarantineOptions {
    Daemon daemon;
    bool list_all = false;
    bool reprocess_all = false;
    std::vector<std::int64_t> ids;
  };
  auto q = std::make_shared<QuarantineOptions>();
  auto* q_cmd = app.add_subcommand("quarantine", "mail that could not become a ticket");
  q_cmd->require_subcommand(1);
  q_cmd->add_option("--url", q->daemon.url, "the daemon's base URL")->capture_default_str();
  q_cmd->add_option("--api-key", q->daemon.api_key, "API key (also TRIAGED_API_KEY)")->envname("TRIAGED_API_KEY");
  auto* q_list = q_cmd->add_subcommand("list", "held messages (with --all, reprocessed ones too)");
  q_list->add_flag("--all", q->list_all, "include reprocessed messages");
  q_list->callback([&run, q] { run = [q] { return quarantine_list(q->daemon, q->list_all); }; });
  auto* q_re = q_cmd->add_subcommand("reprocess", "run quarantined messages through ingest again");
  q_re->add_option("ID", q->ids, "quarantine ids");
  q_re->add_flag("--all", q->reprocess_all, "every held message");
  q_re->callback([&run, q] {
    run = [q] {
      if (q->ids.empty() && !q->reprocess_all) {
        std::fprintf(stderr, "triagectl quarantine reprocess: give quarantine ids or --all\n");
        return EX_USAGE;
      }
      return quarantine_reprocess(q->daemon, q->ids, q->reprocess_all);
    };
  });
}

}  // namespace triaged::cli
