// The config file: every key lands in the options, anything else is an error at file:line:col,
// and what the file leaves out keeps its default.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "app/config.h"

using namespace triaged;
using namespace triaged::daemon;

namespace {

std::vector<std::string> errors_of(const std::string& yaml) {
  Config config;
  auto applied = apply_config_text("triaged.yaml", yaml, "/etc/triaged", config);
  std::vector<std::string> out;
  if (!applied)
    for (const auto& e : applied.error()) out.push_back(e.to_string());
  return out;
}

const std::string kHash(64, 'a');

}  // namespace

TEST_CASE("every config key reaches the daemon options") {
  Config config;
  const std::string yaml = R"(
listen: 0.0.0.0:9090
database: data/tickets.db
rules: /srv/rules.yaml
watch_rules: true
threads: 4
log: {level: debug, format: json}
limits:
  max_body_bytes: 65536
  max_email_body_bytes: 10485760
  max_attachment_bytes: 5000000
  read_timeout_seconds: 15
  max_connections: 500
email: {auto_replies_per_day: 2, message_id_domain: help.shop.example}
smtp:
  url: smtp://relay.shop.example:587
  user: triaged
  password_env: RELAY_PASSWORD
  from: help@shop.example
  from_name: Shop help
  retry_base_seconds: 60
escalation: {scan_interval_seconds: 30}
webhooks:
  default_secret_env: HOOK_SECRET
  retry_base_seconds: 5
  retry_max_seconds: 600
  max_attempts: 4
  timeout_seconds: 3
api_keys:
  - name: call-center
    sha256: )" + kHash + R"(
    roles: [intake, agent]
    rate_limit: {per_second: 20, burst: 40}
    allowed_origins: [https://intake.shop.example]
)";
  auto applied = apply_config_text("triaged.yaml", yaml, "/etc/triaged", config);
  REQUIRE(applied.has_value());
  const DaemonOptions& d = config.daemon;
  CHECK(d.listen == "0.0.0.0:9090");
  CHECK(d.db_path == "/etc/triaged/data/tickets.db");  // relative to the file's folder
  CHECK(d.rules_path == "/srv/rules.yaml");
  CHECK(d.watch_rules);
  CHECK(d.threads == 4);
  CHECK(config.log.level == "debug");
  CHECK(config.log.format == "json");
  CHECK(d.max_body == 65536);
  CHECK(d.max_email_body == 10485760);
  CHECK(d.email.parse.max_attachment_bytes == 5000000);
  CHECK(d.read_timeout == std::chrono::seconds(15));
  CHECK(d.max_connections == 500);
  CHECK(d.email.max_auto_replies_per_day == 2);
  CHECK(d.email.message_id_domain == "help.shop.example");
  CHECK(d.outbox.smtp_url == "smtp://relay.shop.example:587");
  CHECK(d.outbox.smtp_user == "triaged");
  CHECK(config.smtp_password_env == "RELAY_PASSWORD");
  CHECK(d.outbox.from_address == "help@shop.example");
  CHECK(d.outbox.from_name == "Shop help");
  CHECK(d.outbox.retry_base == std::chrono::seconds(60));
  CHECK(d.escalation.scan_interval == std::chrono::seconds(30));
  CHECK(d.webhooks.default_secret_env == "HOOK_SECRET");
  CHECK(d.webhooks.retry_base == std::chrono::seconds(5));
  CHECK(d.webhooks.retry_max == std::chrono::seconds(600));
  CHECK(d.webhooks.max_attempts == 4);
  CHECK(d.webhooks.timeout == std::chrono::seconds(3));
  REQUIRE(d.api_keys.size() == 1);
  const ApiKey& k = d.api_keys[0];
  CHECK(k.name == "call-center");
  CHECK(k.sha256 == kHash);
  CHECK(k.roles == (kIntake | kAgent));
  CHECK(k.rate.per_second == 20);
  CHECK(k.rate.burst == 40);
  CHECK(k.allowed_origins == std::vector<std::string>{"https://intake.shop.example"});
}

TEST_CASE("an empty config file keeps every default") {
  Config config;
  REQUIRE(apply_config_text("triaged.yaml", "", "/etc", config).has_value());
  CHECK(config.daemon.listen == DaemonOptions{}.listen);
  CHECK(config.daemon.api_keys.empty());
}

TEST_CASE("unknown and repeated config keys are errors at their line and column") {
  CHECK(errors_of("listen: a:1\nlisen: b\n") ==
        std::vector<std::string>{"triaged.yaml:2:1: unknown key \"lisen\" in the config (expected one of: listen, "
                                 "database, rules, watch_rules, threads, log, limits, email, smtp, escalation, webhooks, api_keys, hosts, customer)"});
  CHECK(errors_of("threads: 2\nthreads: 3\n") ==
        std::vector<std::string>{"triaged.yaml:2:1: duplicate key \"threads\" in the config (first at 1:1)"});
}

TEST_CASE("config values of the wrong kind or out of range are all reported at once") {
  const auto errors = errors_of("threads: many\nwatch_rules: yes\nlimits: {max_connections: 0}\nlog: {format: xml}\n");
  REQUIRE(errors.size() == 4);
  CHECK(errors[0] == "triaged.yaml:1:10: expected a number for \"threads\", got \"many\"");
  CHECK(errors[1] == "triaged.yaml:2:14: expected true or false for \"watch_rules\", got \"yes\"");
  CHECK(errors[2] == "triaged.yaml:3:27: \"max_connections\" in \"limits\" must be a whole number from 1 to 1000000, got 0");
  CHECK(errors[3] == "triaged.yaml:4:15: unknown log format \"xml\" (text, json, auto)");
}

TEST_CASE("hosts and the per client connection cap are read from the config") {
  Config config;
  REQUIRE(apply_config_text("triaged.yaml", "hosts: [helpdesk.example.com, 'fe80::1']\nlimits: {max_connections_per_client: 7}\n",
                            "/etc", config)
              .has_value());
  CHECK(config.daemon.hosts == std::vector<std::string>{"helpdesk.example.com", "fe80::1"});
  CHECK(config.daemon.max_connections_per_client == 7);
  CHECK(Config{}.daemon.max_connections_per_client == 100);
}

TEST_CASE("a hosts entry with a port or a path is refused") {
  const auto errors = errors_of("hosts: [helpdesk.example.com:8080]\n");
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].find("host \"helpdesk.example.com:8080\" must be a host name or address without a port") !=
        std::string::npos);
  CHECK(errors_of("hosts: [a.example/x]\n").size() == 1);
}

TEST_CASE("an api key needs a name a 64 hex digit hash and known roles") {
  const auto errors = errors_of("api_keys:\n  - name: a\n    sha256: tgd_the_key_itself\n    roles: [root]\n  - roles: agent\n");
  REQUIRE(errors.size() == 4);
  CHECK(errors[0].find("triaged.yaml:3:13: \"sha256\" in api key 1 must be 64 hex digits") == 0);
  CHECK(errors[1] == "triaged.yaml:4:12: unknown role \"root\" in api key 1 (intake, agent, admin)");
  CHECK(errors[2] == "triaged.yaml:5:5: missing required key \"name\" in api key 2");
  CHECK(errors[3] == "triaged.yaml:5:5: missing required key \"sha256\" in api key 2");
}

TEST_CASE("two api keys with one name or one hash are refused") {
  const std::string yaml = "api_keys:\n  - {name: a, sha256: " + kHash + ", roles: agent}\n  - {name: a, sha256: " +
                           kHash + ", roles: intake}\n";
  const auto errors = errors_of(yaml);
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].find("api key name \"a\" is used twice (first at triaged.yaml:2:") != std::string::npos);
  CHECK(errors[1].find("the same key hash is configured twice") != std::string::npos);
}

TEST_CASE("an origin with a path is refused and a config that fails changes nothing") {
  Config config;
  config.daemon.threads = 7;
  auto applied = apply_config_text(
      "triaged.yaml", "threads: 3\napi_keys:\n  - {name: a, sha256: " + kHash + ", roles: agent, allowed_origins: https://x.example/app}\n",
      "/etc", config);
  REQUIRE_FALSE(applied.has_value());
  CHECK(applied.error().at(0).message.find("without a path") != std::string::npos);
  CHECK(config.daemon.threads == 7);
}

TEST_CASE("a config file that cannot be read names its path") {
  Config config;
  auto applied = apply_config_file("/nonexistent/triaged.yaml", config);
  REQUIRE_FALSE(applied.has_value());
  CHECK(applied.error().at(0).to_string() == "/nonexistent/triaged.yaml: cannot read the config file");
}

TEST_CASE("the customer section sets the public url the secret file the link lifetime and the lookup limits") {
  Config config;
  REQUIRE(apply_config_text("triaged.yaml",
                            "customer:\n  public_url: https://help.example.com/\n  status_secret_file: secret\n"
                            "  link_days: 30\n  lookups_per_minute: 12\n  lookups_per_reference_per_hour: 4\n",
                            "/etc/triaged", config)
              .has_value());
  CHECK(config.daemon.customer.public_url == "https://help.example.com");
  CHECK(config.daemon.status_secret_file == "/etc/triaged/secret");
  CHECK(config.daemon.customer.link_lifetime == std::chrono::hours(24 * 30));
  CHECK(config.daemon.customer.lookups_per_minute == 12);
  CHECK(config.daemon.customer.lookups_per_ref_per_hour == 4);
  const auto errors = errors_of("customer: {public_url: help.example.com}\n");
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].find("must start with http:// or https://") != std::string::npos);
}
