#include "ctl_import_mail.h"

#include <boost/json.hpp>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include "ctl_http.h"
#include "ctl_mailgate.h"
#include "intake/mail_ticket.h"
#include "mail/message.h"
#include "mail_source.h"
#include "progress.h"

namespace triaged::cli {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;

struct ImportOptions {
  std::string mbox;
  std::string maildir;
  MailgateOptions daemon;
  int timeout = 60;
  bool dry_run = false;
  std::string state;
  std::size_t state_every = 100;
  bool quiet = false;
};

std::atomic<bool> interrupted{false};
extern "C" void on_sigint(int) { interrupted = true; }

std::string str(const json::object& o, const char* key) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : "";
}

// "mbox 12345" or "maildir path/cur/1733.M1.host:2,S": where the next run starts.
struct State {
  std::string kind;
  std::string position;
};

std::optional<State> read_state(const std::string& path) {
  std::ifstream in(path);
  State s;
  if (!(in >> s.kind) || !std::getline(in >> std::ws, s.position)) return std::nullopt;
  return s;
}

bool write_state(const std::string& path, const State& s) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << s.kind << ' ' << s.position << '\n';
    if (!out) return false;
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);  // whole or not at all: a crash mid-write must not lose the position
  return !ec;
}

struct Tally {
  std::size_t messages = 0, created = 0, needs_info = 0, appended = 0, merged = 0, duplicate = 0, quarantined = 0,
              failed = 0, waits = 0;
  std::map<std::string, std::size_t> quarantine_reasons, failures, topics, unreadable_reasons;
  std::vector<std::string> unreadable;  // dry run: where, and why
};

// Delivers one message, waiting out 429/503 (Retry-After) and short outages. Returns the
// reply; status 0 after the retries means the daemon is gone.
HttpReply deliver(const ImportOptions& o, const std::string& raw, std::size_t& waits) {
  long wait = 1;
  for (int attempt = 0;; ++attempt) {
    HttpReply reply = post_mail(o.daemon, raw);
    const bool busy = reply.status == 429 || reply.status == 503;
    // Overload passes: wait it out for minutes. A daemon that does not answer at all is
    // given a few seconds (a restart), then the run stops where it is.
    if ((!busy && reply.status != 0) || attempt == (busy ? 10 : 3) || interrupted) return reply;
    ++waits;
    const long seconds = busy && reply.retry_after > 0 ? std::min(reply.retry_after, 120L) : wait;
    wait = std::min(wait * 2, 60L);
    for (long i = 0; i < seconds * 10 && !interrupted; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

// Records what the daemon did with one message; false when it could not take it at all.
void count_reply(Tally& t, const SourceMessage& m, const HttpReply& reply) {
  boost::system::error_code ec;
  json::value v = json::parse(reply.body, ec);
  const json::object empty;
  const json::object& o = !ec && v.is_object() ? v.as_object() : empty;
  if (reply.status < 200 || reply.status >= 300) {
    ++t.failed;
    std::string why = reply.status == 0 ? reply.error : "HTTP " + std::to_string(reply.status);
    if (!str(o, "detail").empty()) why += ": " + str(o, "detail");
    ++t.failures[why];
    std::fprintf(stderr, "\r\033[K%s: %s\n", m.where.c_str(), why.c_str());
    return;
  }
  const std::string outcome = str(o, "outcome");
  if (outcome == "created") ++t.created;
  else if (outcome == "needs_info") ++t.needs_info;
  else if (outcome == "appended") ++t.appended;
  else if (outcome == "merged") ++t.merged;
  else if (outcome == "duplicate") ++t.duplicate;
  else if (outcome == "quarantined") ++t.quarantined, ++t.quarantine_reasons[str(o, "reason")];
}

// --dry-run: parse here, route with the daemon's rules through /api/v1/classify, store nothing.
void classify(Tally& t, const ImportOptions& o, const SourceMessage& m) {
  auto parsed = mail::parse_message(m.raw, mail::ParseOptions{.mailbox = o.daemon.mailbox});
  const auto unreadable = [&](const std::string& why) {
    ++t.unreadable_reasons[why];
    t.unreadable.push_back(m.where + ": " + why);
  };
  if (!parsed) return ++t.quarantined, unreadable("cannot be parsed: " + parsed.error().reason);
  const mail::ReadingQuality q = mail::reading_quality(*parsed);
  if (parsed->is_automatic()) return ++t.quarantined, (void)++t.quarantine_reasons["automatic: " + parsed->automatic_reason];
  if (q.empty_text) unreadable("no readable text");
  else if (q.replacement_characters > 0) unreadable(std::to_string(q.replacement_characters) + " U+FFFD");
  const routing::Ticket ticket = daemon::ticket_from_mail(*parsed);
  json::object body{{"subject", ticket.subject}, {"body", ticket.body}};
  json::object requester;
  if (!ticket.requester.name.empty()) requester["name"] = ticket.requester.name;
  if (!ticket.requester.email.empty()) requester["email"] = ticket.requester.email;
  if (!requester.empty()) body["requester"] = std::move(requester);
  HttpCall call;
  call.method = "POST";
  call.url = join_url(o.daemon.url, "/api/v1/classify");
  call.body = json::serialize(body);
  call.content_type = "application/json";
  call.api_key = o.daemon.api_key;
  call.timeout = o.daemon.timeout;
  const HttpReply reply = http_call(call);
  boost::system::error_code ec;
  json::value v = json::parse(reply.body, ec);
  if (reply.status != 200 || ec || !v.is_object()) {
    std::string why = reply.status == 0 ? reply.error : "classify: HTTP " + std::to_string(reply.status);
    if (!ec && v.is_object() && !str(v.as_object(), "detail").empty()) why += ": " + str(v.as_object(), "detail");
    ++t.failed;
    ++t.failures[why];
    t.unreadable.push_back(m.where + ": " + why);
    return;
  }
  ++t.topics[str(v.as_object(), "topic")];
  ++t.created;
}

void print_counts(const char* title, const std::map<std::string, std::size_t>& counts) {
  if (counts.empty()) return;
  std::printf("%s\n", title);
  for (const auto& [k, v] : counts) std::printf("  %6zu  %s\n", v, k.empty() ? "(none)" : k.c_str());
}

void print_summary(const Tally& t, const ImportOptions& o, double seconds) {
  std::printf("%zu messages in %.1f s (%.1f/s)%s\n", t.messages, seconds, seconds > 0 ? t.messages / seconds : 0.0,
              interrupted ? ", interrupted" : "");
  if (o.dry_run) {
    std::printf("dry run, nothing stored: %zu would be tickets, %zu quarantined, %zu failed\n", t.created,
                t.quarantined, t.failed);
    print_counts("by topic:", t.topics);
    print_counts("quarantined:", t.quarantine_reasons);
    print_counts("unreadable:", t.unreadable_reasons);
    for (const auto& u : t.unreadable) std::printf("  %s\n", u.c_str());
  } else {
    std::printf("  created                 %zu\n", t.created);
    std::printf("  created, needs_info     %zu\n", t.needs_info);
    std::printf("  threaded (appended)     %zu\n", t.appended);
    std::printf("  merged into open ticket %zu\n", t.merged);
    std::printf("  already imported        %zu\n", t.duplicate);
    std::printf("  quarantined             %zu\n", t.quarantined);
    print_counts("quarantined by reason:", t.quarantine_reasons);
  }
  std::printf("  failed                  %zu\n", t.failed);
  if (t.waits > 0) std::printf("  (waited and retried %zu times: the daemon was busy or away)\n", t.waits);
  print_counts("failed:", t.failures);
}

int run_import(ImportOptions o) {
  if (o.mbox.empty() == o.maildir.empty()) {
    std::fprintf(stderr, "triagectl import-mail: give exactly one of --mbox FILE or --maildir DIR\n");
    return 2;
  }
  o.daemon.timeout = std::chrono::seconds(o.timeout);
  const std::string input = o.mbox.empty() ? o.maildir : o.mbox;
  if (o.state.empty()) {
    std::string base = input;
    while (base.size() > 1 && base.back() == '/') base.pop_back();
    o.state = base + ".import-state";
  }
  const std::string kind = o.mbox.empty() ? "maildir" : "mbox";
  std::optional<State> resume = o.dry_run ? std::nullopt : read_state(o.state);
  if (resume && resume->kind != kind) {
    std::fprintf(stderr, "triagectl import-mail: %s is the state of a %s import, not of this %s\n", o.state.c_str(),
                 resume->kind.c_str(), kind.c_str());
    return 2;
  }
  std::expected<MailSource, std::string> source = std::unexpected(std::string());
  if (kind == "mbox") {
    std::uint64_t offset = 0;
    if (resume) try { offset = std::stoull(resume->position); } catch (...) { offset = 0; }
    source = MailSource::mbox(o.mbox, offset);
  } else {
    source = MailSource::files({o.maildir}, resume ? resume->position : "");
  }
  if (!source) {
    std::fprintf(stderr, "triagectl import-mail: %s\n", source.error().c_str());
    return 2;
  }
  if (resume && !o.quiet) std::fprintf(stderr, "resuming %s after %s (from %s)\n", input.c_str(), resume->position.c_str(), o.state.c_str());

  interrupted = false;
  auto previous = std::signal(SIGINT, on_sigint);
  Tally t;
  Progress progress(o.dry_run ? "dry run" : "imported", !o.quiet);
  State position{kind, resume ? resume->position : ""};
  bool gone = false;
  while (!interrupted) {
    auto m = source->next();
    if (!m) break;
    ++t.messages;
    if (m->truncated) {
      // Only its first 40 MB were read: sending them would store a cut message as if whole.
      ++t.failed;
      ++t.failures["larger than 40 MB: not sent"];
      std::fprintf(stderr, "\r\033[K%s: larger than 40 MB: not sent\n", m->where.c_str());
      if (!o.dry_run) position.position = m->resume;
    } else if (o.dry_run) {
      classify(t, o, *m);
    } else {
      const HttpReply reply = deliver(o, m->raw, t.waits);
      if (reply.status == 0 && !interrupted) {
        // The daemon is gone: stop at the last message it took, so a rerun starts here.
        std::fprintf(stderr, "\r\033[Ktriagectl import-mail: %s: %s; stopped at %s\n", o.daemon.url.c_str(),
                     reply.error.c_str(), m->where.c_str());
        --t.messages;
        gone = true;
        break;
      }
      if (reply.status == 0) {
        --t.messages;
        break;
      }
      count_reply(t, *m, reply);
      position.position = m->resume;
      if (t.messages % o.state_every == 0) write_state(o.state, position);
    }
    progress.update(t.messages, source->done_fraction());
  }
  progress.finish();
  std::signal(SIGINT, previous);
  if (!o.dry_run && !position.position.empty() && !write_state(o.state, position))
    std::fprintf(stderr, "triagectl import-mail: cannot write the state file %s\n", o.state.c_str());
  print_summary(t, o, progress.elapsed_seconds());
  if (!o.dry_run && (interrupted || gone)) std::printf("resume with the same command: the position is in %s\n", o.state.c_str());
  if (interrupted) return 130;
  return t.failed == 0 && !gone ? 0 : 1;
}

}  // namespace

void add_import_mail_command(CLI::App& app, Run& run) {
  auto o = std::make_shared<ImportOptions>();
  auto* cmd = app.add_subcommand(
      "import-mail", "deliver a mailbox's backlog (an mbox or a Maildir) to the daemon, as the MTA would; "
                     "resumable, and importing twice stores nothing new");
  auto* mbox = cmd->add_option("--mbox", o->mbox, "an mbox file")->check(CLI::ExistingFile);
  auto* maildir = cmd->add_option("--maildir", o->maildir, "a Maildir (cur/ and new/) or any directory of messages")
                      ->check(CLI::ExistingDirectory);
  mbox->excludes(maildir);
  cmd->add_option("--url", o->daemon.url, "the daemon's base URL")->capture_default_str();
  cmd->add_option("--api-key", o->daemon.api_key, "API key (also TRIAGED_API_KEY)")->envname("TRIAGED_API_KEY");
  cmd->add_option("--mailbox", o->daemon.mailbox, "the address this mail was delivered to, e.g. support@example.com");
  cmd->add_option("--timeout", o->timeout, "seconds to wait for the daemon per message")->capture_default_str()
      ->check(CLI::Range(1, 3600));
  cmd->add_flag("--dry-run", o->dry_run, "store nothing: parse here, ask the daemon's classify for each topic, "
                                          "print the counts per topic and the unreadable messages");
  cmd->add_option("--state", o->state, "the resume file (default: the input's path + .import-state)");
  cmd->add_option("--state-every", o->state_every, "save the position every N messages")->capture_default_str()
      ->check(CLI::Range(1, 1000000));
  cmd->add_flag("-q,--quiet", o->quiet, "no progress line");
  cmd->callback([&run, o] { run = [o] { return run_import(*o); }; });
}

}  // namespace triaged::cli
