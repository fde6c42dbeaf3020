#include "app/daemon.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/thread_pool.hpp>
#include <spdlog/spdlog.h>

#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "app/cluster_rules.h"
#include "http/api.h"
#include "jobs/escalation_service.h"
#include "http/http_server.h"
#include "common/metrics.h"
#include "common/status_token.h"
#include "jobs/rule_set_follower.h"
#include "jobs/rules_watch.h"
#include "app/service_notify.h"
#include "rules/rules.h"
#ifdef TRIAGED_WITH_POSTGRESQL
#include "storage_pg/postgres_store.h"
#endif

namespace triaged::daemon {

namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

// The secret status links are signed with: the configured file, else one beside the database,
// made on first start and kept, so links in mails sent before a restart keep working.
std::expected<std::string, std::string> status_secret(const DaemonOptions& o) {
  if (!o.status_secret_file.empty()) return load_or_create_status_secret(o.status_secret_file);
  if (o.db_path == ":memory:" || o.db_path.starts_with("file:")) return new_status_secret();
  // Nodes sharing a database must sign links alike, and a URL has no folder to keep a file in.
  if (o.db_path.starts_with("postgresql://") || o.db_path.starts_with("postgres://"))
    return std::unexpected(std::string("--status-secret-file (customer: status_secret_file) is required with a PostgreSQL "
                                       "database: give every node the same file"));
  return load_or_create_status_secret(o.db_path + ".status-secret");
}

std::expected<tcp::endpoint, std::string> parse_listen(const std::string& listen) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos) return std::unexpected("--listen \"" + listen + "\": expected HOST:PORT");
  std::string host = listen.substr(0, colon);
  const std::string port = listen.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host == "localhost") host = "127.0.0.1";
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
      std::stoi(port) > 65535)
    return std::unexpected("--listen \"" + listen + "\": port must be a number from 0 to 65535");
  boost::system::error_code ec;
  auto address = net::ip::make_address(host, ec);
  if (ec) return std::unexpected("--listen \"" + listen + "\": \"" + host + "\" is not an IP address");
  return tcp::endpoint(address, static_cast<unsigned short>(std::stoi(port)));
}

std::string join_diagnostics(const routing::Diagnostics& ds) {
  std::string out;
  for (const auto& d : ds) out += (out.empty() ? "" : "\n") + d.to_string();
  return out;
}

// How often a node reads the cluster's rule set even without an announcement: the longest it
// can take to catch one missed while its listening connection was down.
constexpr std::chrono::seconds kClusterRulesPoll{5};

// This node as the database and the other nodes' logs name it: host and listening port.
std::string node_name(const std::string& listen) {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0) std::snprintf(host, sizeof host, "localhost");
  const std::string port = listen.substr(listen.rfind(':') + 1);
  return std::string(host) + ":" + (port == "0" ? "pid" + std::to_string(::getpid()) : port);
}

}  // namespace

struct Daemon::Impl {
  explicit Impl(DaemonOptions o) : options(std::move(o)), signals(ioc) {}

  // The rules (and the model they name) from --rules, or the built-in example and its model.
  std::expected<rules::LoadedRules, routing::Diagnostics> load_configured() const {
    if (!options.rules_path.empty()) return rules::load_rules_file(options.rules_path);
    return rules::load_rules_text(embedded_rules_text(), embedded_rules_source(), model_reader());
  }

  // Where a rule set's model comes from on this node: beside --rules, or built in. The
  // cluster's sets (from another node) read theirs here too.
  rules::ModelReader model_reader() const {
    if (options.rules_path.empty()) {
      return [](const std::string& file) -> std::expected<std::string, std::string> {
        if (file == "model.txt") return std::string(embedded_model_text());
        return std::unexpected("only model.txt is built in");
      };
    }
    const auto folder = std::filesystem::absolute(options.rules_path).parent_path();
    return [folder](const std::string& file) -> std::expected<std::string, std::string> {
      const auto path = file.starts_with("/") ? std::filesystem::path(file) : folder / file;
      std::ifstream in(path, std::ios::binary);
      std::ostringstream text;
      if (in) text << in.rdbuf();
      if (!in) return std::unexpected(path.string() + ": cannot be read");
      return text.str();
    };
  }

  std::expected<rules::LoadedRules, std::string> load() const {
    auto loaded = load_configured();
    if (!loaded) return std::unexpected(join_diagnostics(loaded.error()));
    return std::move(*loaded);
  }

  void install(const rules::LoadedRules& loaded) {
    const auto now = std::chrono::system_clock::now();
    rules.store(loaded.rules);
    {
      std::lock_guard lock(status_mutex);
      status.version = loaded.version;
      status.name = loaded.rules->spec().name;
      status.source = loaded.source;
      status.text = loaded.text;
      status.loaded_at = now;
      status.tests_passed = loaded.tests_passed;
      status.model_version = loaded.model_version;
      status.model_problem = loaded.rules->model_problem();
    }
    if (metrics) {
      metrics->rules_info.set_only({loaded.version, loaded.rules->spec().name}, 1);
      if (loaded.rules->spec().model) metrics->model_info.set_only({loaded.model_version.empty() ? "none" : loaded.model_version}, loaded.rules->model() ? 1 : 0);
    }
    // A model that cannot serve never stops intake; the rules route alone and the log says why.
    if (!loaded.rules->model_problem().empty()) {
      spdlog::warn("{}", loaded.rules->model_problem());
      if (loaded.tests_failed_without_model > 0)
        spdlog::warn("{} inline tests of {} fail without the model", loaded.tests_failed_without_model, loaded.source);
    }
    // Every version that goes live is kept, so a ticket's rules_version can always be read.
    auto recorded = store->record_rule_set(loaded.version, loaded.rules->spec().name, loaded.source, loaded.text, now);
    if (!recorded) spdlog::error("recording rule set {}: {}", loaded.version, recorded.error().message);
  }

  std::string serving_status(const std::string& rules_version) const {
    return "serving on " + options.listen + ", rules " + rules_version;
  }

  RulesStatus rules_status() {
    RulesStatus copy;
    {
      std::lock_guard lock(status_mutex);
      copy = status;
    }
    if (cluster) copy.cluster = cluster->view();
    return copy;
  }

  // Any reload attempt's outcome, for GET /api/v1/admin/rules and the reload counter.
  void record_attempt(const std::string& trigger, const routing::Diagnostics& errors) {
    if (metrics) metrics->rules_reloads.inc({errors.empty() ? "success" : "failure", trigger});
    std::lock_guard status_lock(status_mutex);
    status.last_attempt_at = std::chrono::system_clock::now();
    status.last_attempt_ok = errors.empty();
    status.last_attempt_trigger = trigger;
    status.last_errors = errors;
  }

  void report_cluster() {
    if (!cluster || !metrics) return;
    const ClusterRulesView view = cluster->view();
    if (!view.version.empty()) metrics->rules_cluster_info.set_only({view.version}, 1);
    metrics->rules_cluster_mismatch.set({}, view.in_sync ? 0 : 1);
  }

  // The follower's check: another node's publish (or a poll) may bring a set to serve.
  void follow_cluster() {
    std::lock_guard lock(reload_mutex);
    auto step = cluster->follow();
    if (step.adopt) {
      install(*step.adopt);
      if (started) notify_ready(serving_status(step.adopt->version));
      record_attempt("cluster", {});
    } else if (step.refused) {
      record_attempt("cluster", *step.refused);
    }
    report_cluster();
  }

  void wait_for_signals() {
    signals.async_wait([this](boost::system::error_code ec, int signo) {
      if (ec) return;
      if (signo == SIGHUP) {
        // Reloading reads a file and compiles: do it off the I/O threads, on a pool that stop()
        // joins, so a SIGTERM right after a SIGHUP waits for the reload instead of closing
        // the store under it.
        net::post(reload_pool, [this] { (void)reload("signal"); });
        return wait_for_signals();
      }
      std::thread([this] { stop(); }).detach();
    });
  }

  std::expected<RulesStatus, ReloadFailure> reload(const std::string& trigger) {
    std::lock_guard lock(reload_mutex);
    spdlog::info("reloading rules from {} ({})", options.rules_path.empty() ? embedded_rules_source() : options.rules_path,
                 trigger);
    if (started) notify_reloading();
    auto loaded = load_configured();
    if (!loaded) {
      // systemd learns the reload ended either way; the old rules keep serving.
      if (started) notify_ready(serving_status(rules.load()->version()));
      spdlog::error("reload failed, keeping rules {}:\n{}", rules.load()->version(), join_diagnostics(loaded.error()));
      record_attempt(trigger, loaded.error());
      return std::unexpected(ReloadFailure{std::move(loaded.error()), ""});
    }
    // On a shared database the set goes to every node or to none: published first, so a node
    // that cannot reach the database does not serve rules the others never see.
    if (cluster) {
      if (auto shared = cluster->publish(*loaded); !shared) {
        if (started) notify_ready(serving_status(rules.load()->version()));
        spdlog::error("reload of {} not shared with the other nodes ({}), keeping rules {}", loaded->version,
                      shared.error(), rules.load()->version());
        record_attempt(trigger, routing::Diagnostics{{"database", "cannot publish the rule set: " + shared.error()}});
        return std::unexpected(ReloadFailure{{}, shared.error()});
      }
    }
    install(*loaded);
    report_cluster();
    if (started) notify_ready(serving_status(loaded->version));
    spdlog::info("rules reloaded: {} {} ({} inline tests passed)", loaded->source, loaded->version, loaded->tests_passed);
    record_attempt(trigger, {});
    return rules_status();
  }

  void stop() {
    std::unique_lock lock(stop_mutex);
    if (stopped || !started) return;
    spdlog::info("stopping: no new connections, finishing requests in flight");
    notify_stopping();
    server->stop_accepting();
    watch.reset();
    follower.reset();
    boost::system::error_code ec;
    signals.cancel(ec);
    const auto deadline = std::chrono::steady_clock::now() + limits::kShutdownGrace;
    while (server->in_flight() > 0 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    mail_pool.join();  // in-flight mail was answered above; nothing new can arrive
    reload_pool.join();  // signals are cancelled: no reload can be posted any more
    if (escalation) escalation->stop();  // before the outbox: its last scan may queue mail
    if (outbox) outbox->stop();
    store->close();
    ioc.stop();
    for (auto& t : threads) t.join();
    threads.clear();
    stopped = true;
    stopped_cv.notify_all();
    spdlog::info("stopped");
  }

  DaemonOptions options;
  net::io_context ioc;
  net::signal_set signals;
  // Keeps the pool's threads in run() even in a moment with no pending operation.
  net::executor_work_guard<net::io_context::executor_type> work{ioc.get_executor()};
  std::atomic<std::shared_ptr<const routing::RuleSet>> rules;
  std::unique_ptr<Metrics> metrics;  // declared before api: outlives every request
  std::unique_ptr<storage::TicketStore> store;
  std::unique_ptr<EmailIngest> email;
  // Mail is parsed here, not on the HTTP threads; two, so one huge message does not hold up
  // the next.
  net::thread_pool mail_pool{2};
  net::thread_pool reload_pool{1};  // SIGHUP reloads
  std::shared_ptr<CustomerPortal> portal;  // before outbox: its sender signs links with it
  std::unique_ptr<OutboxSender> outbox;
  std::unique_ptr<EscalationService> escalation;
  std::unique_ptr<Api> api;
  std::unique_ptr<HttpServer> server;
  std::vector<std::thread> threads;
  std::unique_ptr<RulesWatch> watch;
  // A database several nodes share (PostgreSQL): the rule set they serve, and the thread that
  // follows it. Null on SQLite, where the node's own file decides. After store: destroyed first.
  std::unique_ptr<ClusterRules> cluster;
  std::unique_ptr<RuleSetFollower> follower;
  std::mutex reload_mutex;
  std::mutex status_mutex;
  RulesStatus status;  // guarded by status_mutex
  std::mutex stop_mutex;
  std::condition_variable stopped_cv;
  bool started = false;
  bool stopped = false;
};

Daemon::Daemon(DaemonOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Daemon::~Daemon() { stop(); }

std::expected<void, std::string> Daemon::start() {
  Impl& d = *impl_;
  auto endpoint = parse_listen(d.options.listen);
  if (!endpoint) return std::unexpected(endpoint.error());
  auto loaded = d.load();
  if (!loaded) return std::unexpected("rules not loaded:\n" + loaded.error());

  storage::StoreOptions so;
  so.path = d.options.db_path;
  so.create_if_missing = true;
  const bool on_postgres = so.path.starts_with("postgresql://") || so.path.starts_with("postgres://");
  if (so.path != ":memory:" && !on_postgres) {
    std::error_code ec;
    auto parent = std::filesystem::path(so.path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    if (ec) return std::unexpected("cannot create the folder " + parent.string() + ": " + ec.message());
  }
#ifdef TRIAGED_WITH_POSTGRESQL
  auto store = storage::open_any_store(so);  // a postgresql:// URL: storage_pg
#else
  if (on_postgres) return std::unexpected("this triaged was built without PostgreSQL (libpq-dev missing at build time)");
  auto store = storage::TicketStore::open(so);
#endif
  // storage_pg's messages name the URL itself, with any password masked.
  if (!store && on_postgres) return std::unexpected("cannot open the database: " + store.error().message);
  if (!store) return std::unexpected("cannot open the database " + so.path + ": " + store.error().message);
  d.store = std::move(*store);
  d.metrics = std::make_unique<Metrics>();
#ifdef TRIAGED_WITH_POSTGRESQL
  if (auto feed = storage::open_rule_set_feed(*d.store))
    d.cluster = std::make_unique<ClusterRules>(std::move(feed), node_name(d.options.listen), d.model_reader());
#endif
  if (d.cluster) {
    auto joined = d.cluster->join(std::move(*loaded));
    if (!joined) {
      d.store->close();
      return std::unexpected(joined.error());
    }
    *loaded = std::move(*joined);
  }
  d.install(*loaded);
  d.report_cluster();

  ApiContext ctx;
  ctx.rules = [&d] { return d.rules.load(); };
  ctx.store = d.store.get();
  ctx.metrics = d.metrics.get();
  ctx.db_path = d.options.db_path;
  d.email = std::make_unique<EmailIngest>(ctx.rules, *d.store, ctx.clock, d.options.email);
  OutboxOptions outbox_options = d.options.outbox;
  outbox_options.status_link = [&d](std::int64_t id, const std::string& ref) {
    return d.portal ? d.portal->link(id, ref, std::chrono::system_clock::now()) : std::string();
  };
  d.outbox = std::make_unique<OutboxSender>(*d.store, outbox_options);
  ctx.email = d.email.get();
  ctx.mail_queued = [&d] { d.outbox->poke(); };
  ctx.offload = [&d](std::function<void()> work) { net::post(d.mail_pool, std::move(work)); };
  ctx.defer = [&d](std::function<void()> work) { net::post(d.ioc, std::move(work)); };
  ctx.rules_admin.status = [&d] { return d.rules_status(); };
  ctx.rules_admin.reload = [&d](const std::string& trigger) { return d.reload(trigger); };
  ctx.rules_admin.cluster = [&d]() -> std::optional<ClusterRulesView> {
    if (!d.cluster) return std::nullopt;
    return d.cluster->view();
  };
  ctx.access = std::make_shared<AccessControl>(d.options.api_keys);
  auto secret = status_secret(d.options);
  if (!secret) {
    d.store->close();
    return std::unexpected(secret.error());
  }
  CustomerPortalOptions portal = d.options.customer;
  portal.max_auto_replies_per_day = d.options.email.max_auto_replies_per_day;
  portal.message_id_domain = d.options.email.message_id_domain;
  d.portal = std::make_shared<CustomerPortal>(std::move(*secret), portal);
  ctx.customer = d.portal;
  if (ctx.access->open()) {
    spdlog::warn("no API keys configured: anyone who can reach {} may create and read tickets "
                 "(admin endpoints: this machine only)", d.options.listen);
  } else {
    spdlog::info("{} API keys configured", ctx.access->key_count());
  }
  d.api = std::make_unique<Api>(std::move(ctx));
  auto server = HttpServer::bind(d.ioc, *endpoint, *d.api,
                                 {d.options.max_body, d.options.max_email_body, d.options.read_timeout,
                                  d.options.max_connections, d.options.max_connections_per_client,
                                  host_policy(d.options.listen, d.options.hosts)});
  if (!server) {
    d.store->close();
    return std::unexpected(server.error());
  }
  if (d.options.customer.public_url.empty()) {
    const std::string listen = d.options.listen;
    d.portal->set_public_url("http://" + listen.substr(0, listen.rfind(':')) + ":" + std::to_string((*server)->port()));
  }
  d.outbox->start();
  EscalationOptions escalation_options = d.options.escalation;
  escalation_options.message_id_domain = d.options.email.message_id_domain;
  auto escalation = EscalationService::start(
      *d.store, {[&d] { return d.rules.load(); }, [] { return std::chrono::system_clock::now(); }, d.metrics.get(),
                 [&d] { d.outbox->poke(); }, {}},
      escalation_options, d.options.webhooks);
  if (!escalation) {
    d.store->close();
    return std::unexpected(escalation.error());
  }
  d.escalation = std::move(*escalation);
  if (d.options.watch_rules && !d.options.rules_path.empty()) {
    auto watch = RulesWatch::start(d.options.rules_path, [&d] { (void)d.reload("watch"); });
    if (!watch) {
      d.store->close();
      return std::unexpected("--watch-rules: " + watch.error());
    }
    d.watch = std::move(*watch);
  }
  if (d.cluster) d.follower = RuleSetFollower::start(d.cluster->feed(), kClusterRulesPoll, [&d] { d.follow_cluster(); });
  d.server = std::move(*server);
  d.server->start();
  if (d.options.handle_signals) {
    d.signals.add(SIGINT);
    d.signals.add(SIGTERM);
    d.signals.add(SIGHUP);
    d.wait_for_signals();
  }
  for (int i = 0; i < std::max(1, d.options.threads); ++i) d.threads.emplace_back([&d] { d.ioc.run(); });
  d.started = true;
  notify_ready(d.serving_status(loaded->version));
  spdlog::info("rules {} from {} ({} topics, {} inline tests passed)", loaded->version, loaded->source,
               loaded->rules->spec().topics.size(), loaded->tests_passed);
  return {};
}

unsigned short Daemon::port() const { return impl_->server ? impl_->server->port() : 0; }
std::string Daemon::rules_version() const {
  auto r = impl_->rules.load();
  return r ? r->version() : "";
}
std::expected<std::string, std::string> Daemon::reload() {
  auto reloaded = impl_->reload("api");
  if (!reloaded && !reloaded.error().unshared.empty()) return std::unexpected("not shared: " + reloaded.error().unshared);
  if (!reloaded) return std::unexpected(join_diagnostics(reloaded.error().errors));
  return reloaded->version;
}
void Daemon::stop() { impl_->stop(); }

void Daemon::wait() {
  std::unique_lock lock(impl_->stop_mutex);
  impl_->stopped_cv.wait(lock, [this] { return impl_->stopped || !impl_->started; });
}

}  // namespace triaged::daemon
