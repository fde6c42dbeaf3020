#include "app/config.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <cctype>
#include <limits>
#include <map>
#include <sstream>

#include "yamlread/reader.h"

namespace triaged::daemon {
namespace {

using yamlread::Entry;
using yamlread::Mapping;
using yamlread::Reader;

constexpr std::string_view kTopKeys[] = {"listen", "database", "rules",    "watch_rules", "threads", "log",
                                         "limits", "email",    "smtp",     "escalation",  "webhooks", "api_keys", "hosts",
                                         "customer"};
constexpr std::string_view kCustomerKeys[] = {"public_url", "status_secret_file", "link_days", "lookups_per_minute",
                                              "lookups_per_reference_per_hour"};
constexpr std::string_view kEscalationKeys[] = {"scan_interval_seconds"};
constexpr std::string_view kWebhookKeys[] = {"default_secret_env", "retry_base_seconds", "retry_max_seconds",
                                             "max_attempts", "timeout_seconds"};
constexpr std::string_view kLogKeys[] = {"level", "format"};
constexpr std::string_view kLimitKeys[] = {"max_body_bytes", "max_email_body_bytes", "max_attachment_bytes",
                                           "read_timeout_seconds", "max_connections", "max_connections_per_client"};
constexpr std::string_view kEmailKeys[] = {"auto_replies_per_day", "message_id_domain"};
constexpr std::string_view kSmtpKeys[] = {"url", "user", "password_env", "from", "from_name", "retry_base_seconds"};
constexpr std::string_view kKeyKeys[] = {"name", "sha256", "roles", "rate_limit", "allowed_origins"};
constexpr std::string_view kRateKeys[] = {"per_second", "burst"};

class ConfigReader {
 public:
  ConfigReader(Reader& reader, std::string base_dir, Config& config)
      : r_(reader), base_dir_(std::move(base_dir)), c_(config) {}

  void top(const YAML::Node& root) {
    if (root.IsNull()) return;  // an empty file: every default stands
    auto m = r_.mapping(root, r_.where(root), "the config");
    if (!m) return;
    r_.check_keys(*m, "in the config", kTopKeys);
    DaemonOptions& d = c_.daemon;
    for (const Entry& e : m->entries) {
      if (e.key == "listen") set(d.listen, r_.non_empty_string(e, ""));
      if (e.key == "database") set(d.db_path, database(e));
      if (e.key == "rules") set(d.rules_path, path(e));
      if (e.key == "watch_rules") set(d.watch_rules, r_.boolean(e, ""));
      if (e.key == "threads") set(d.threads, integer<int>(e, "", 1, 256));
      if (e.key == "log") log(e);
      if (e.key == "limits") limits(e);
      if (e.key == "email") email(e);
      if (e.key == "smtp") smtp(e);
      if (e.key == "escalation") escalation(e);
      if (e.key == "webhooks") webhooks(e);
      if (e.key == "api_keys") api_keys(e);
      if (e.key == "hosts") hosts(e);
      if (e.key == "customer") customer(e);
    }
  }

 private:
  template <typename T, typename U>
  static void set(T& field, std::optional<U> value) {
    if (value) field = std::move(*value);
  }

  // A whole number in [min, max]; YAML has no integer type of its own in yaml-cpp's scalars.
  template <typename T>
  std::optional<T> integer(const Entry& e, std::string_view context, long long min, long long max) {
    auto n = r_.number(e, context);
    if (!n) return std::nullopt;
    if (*n != std::floor(*n) || *n < static_cast<double>(min) || *n > static_cast<double>(max)) {
      r_.error(r_.where(e), yamlread::entry_name(e, context) + " must be a whole number from " +
                                std::to_string(min) + " to " + std::to_string(max) + ", got " + e.value.Scalar());
      return std::nullopt;
    }
    return static_cast<T>(*n);
  }

  // A file (relative to the config's folder, like every path here) or a postgresql:// URL,
  // taken as written. A URL must not carry the password: configs get copied and shown.
  std::optional<std::string> database(const Entry& e) {
    auto s = r_.non_empty_string(e, "");
    if (!s) return s;
    if (!(s->starts_with("postgresql://") || s->starts_with("postgres://"))) return path(e);
    const auto at = s->find('@');
    const auto colon = s->find(':', s->find("://") + 3);
    if ((at != std::string::npos && colon < at) || s->find("password=") != std::string::npos) {
      r_.error(r_.where(e), "database: the URL carries a password: give it in PGPASSWORD or a PGPASSFILE instead");
      return std::nullopt;
    }
    return s;
  }

  std::optional<std::string> path(const Entry& e) {
    auto s = r_.non_empty_string(e, "");
    if (!s) return s;
    std::filesystem::path p(*s);
    if (p.is_relative() && !base_dir_.empty()) p = std::filesystem::path(base_dir_) / p;
    return p.lexically_normal().string();
  }

  std::optional<Mapping> section(const Entry& e, std::span<const std::string_view> keys) {
    auto m = r_.mapping(e, "");
    if (m) r_.check_keys(*m, "in \"" + e.key + "\"", keys);
    return m;
  }

  // Host names (no port) the daemon answers to besides localhost and its listen address.
  void hosts(const Entry& e) {
    auto names = r_.strings(e, "", true);
    if (!names) return;
    for (const std::string& h : *names) {
      const bool port = std::count(h.begin(), h.end(), ':') == 1;  // one colon: host:port; more: IPv6
      const bool ok = h == "*" || (!h.empty() && h.size() <= 253 && !port && h.find_first_of("/[] \t") == std::string::npos);
      if (!ok) return r_.error(r_.where(e), "host \"" + h + "\" must be a host name or address without a port, or \"*\"");
    }
    c_.daemon.hosts = std::move(*names);
  }

  // The customer's status page and links (docs/customer.md).
  void customer(const Entry& section_entry) {
    auto m = section(section_entry, kCustomerKeys);
    if (!m) return;
    CustomerPortalOptions& o = c_.daemon.customer;
    const std::string_view ctx = "in \"customer\"";
    for (const Entry& e : m->entries) {
      if (e.key == "public_url") {
        auto url = r_.non_empty_string(e, ctx);
        if (url && !url->starts_with("http://") && !url->starts_with("https://")) {
          r_.error(r_.where(e), "public_url \"" + *url + "\" must start with http:// or https://");
          continue;
        }
        if (url)
          while (!url->empty() && url->back() == '/') url->pop_back();
        set(o.public_url, url);
      }
      if (e.key == "status_secret_file") set(c_.daemon.status_secret_file, path(e));
      if (e.key == "link_days")
        if (auto days = integer<int>(e, ctx, 1, 3650)) o.link_lifetime = std::chrono::hours(24 * *days);
      if (e.key == "lookups_per_minute") set(o.lookups_per_minute, integer<int>(e, ctx, 0, 100000));
      if (e.key == "lookups_per_reference_per_hour")
        set(o.lookups_per_ref_per_hour, integer<int>(e, ctx, 0, 100000));
    }
  }

  void log(const Entry& section_entry) {
    auto m = section(section_entry, kLogKeys);
    if (!m) return;
    for (const Entry& e : m->entries) {
      auto value = r_.string(e, "in \"log\"");
      if (!value) continue;
      LogOptions candidate = c_.log;
      (e.key == "level" ? candidate.level : candidate.format) = *value;
      if (auto ok = check_log_options(candidate); !ok) {
        r_.error(r_.where(e), ok.error());
        continue;
      }
      c_.log = candidate;
    }
  }

  void limits(const Entry& section_entry) {
    auto m = section(section_entry, kLimitKeys);
    if (!m) return;
    DaemonOptions& d = c_.daemon;
    constexpr long long kMaxBytes = 1LL << 40;
    const std::string_view ctx = "in \"limits\"";
    for (const Entry& e : m->entries) {
      if (e.key == "max_body_bytes") set(d.max_body, integer<std::size_t>(e, ctx, 1024, kMaxBytes));
      if (e.key == "max_email_body_bytes") set(d.max_email_body, integer<std::size_t>(e, ctx, 1024, kMaxBytes));
      if (e.key == "max_attachment_bytes")
        set(d.email.parse.max_attachment_bytes, integer<std::size_t>(e, ctx, 0, kMaxBytes));
      if (e.key == "read_timeout_seconds")
        if (auto s = integer<int>(e, ctx, 1, 3600)) d.read_timeout = std::chrono::seconds(*s);
      if (e.key == "max_connections") set(d.max_connections, integer<std::size_t>(e, ctx, 1, 1000000));
      if (e.key == "max_connections_per_client")
        set(d.max_connections_per_client, integer<std::size_t>(e, ctx, 1, 1000000));
    }
  }

  void email(const Entry& section_entry) {
    auto m = section(section_entry, kEmailKeys);
    if (!m) return;
    for (const Entry& e : m->entries) {
      if (e.key == "auto_replies_per_day")
        set(c_.daemon.email.max_auto_replies_per_day, integer<int>(e, "in \"email\"", 0, 1000));
      if (e.key == "message_id_domain") set(c_.daemon.email.message_id_domain, r_.non_empty_string(e, "in \"email\""));
    }
  }

  void smtp(const Entry& section_entry) {
    auto m = section(section_entry, kSmtpKeys);
    if (!m) return;
    OutboxOptions& o = c_.daemon.outbox;
    const std::string_view ctx = "in \"smtp\"";
    for (const Entry& e : m->entries) {
      if (e.key == "url") set(o.smtp_url, r_.non_empty_string(e, ctx));
      if (e.key == "user") set(o.smtp_user, r_.string(e, ctx));
      if (e.key == "password_env") set(c_.smtp_password_env, r_.non_empty_string(e, ctx));
      if (e.key == "from") set(o.from_address, r_.non_empty_string(e, ctx));
      if (e.key == "from_name") set(o.from_name, r_.string(e, ctx));
      if (e.key == "retry_base_seconds")
        if (auto s = integer<int>(e, ctx, 1, 86400)) o.retry_base = std::chrono::seconds(*s);
    }
  }

  void escalation(const Entry& section_entry) {
    auto m = section(section_entry, kEscalationKeys);
    if (!m) return;
    for (const Entry& e : m->entries)
      if (auto s = integer<int>(e, "in \"escalation\"", 1, 3600))
        c_.daemon.escalation.scan_interval = std::chrono::seconds(*s);
  }

  void webhooks(const Entry& section_entry) {
    auto m = section(section_entry, kWebhookKeys);
    if (!m) return;
    WebhookOptions& w = c_.daemon.webhooks;
    const std::string_view ctx = "in \"webhooks\"";
    for (const Entry& e : m->entries) {
      if (e.key == "default_secret_env") set(w.default_secret_env, r_.non_empty_string(e, ctx));
      if (e.key == "retry_base_seconds")
        if (auto s = integer<int>(e, ctx, 1, 86400)) w.retry_base = std::chrono::seconds(*s);
      if (e.key == "retry_max_seconds")
        if (auto s = integer<int>(e, ctx, 1, 7 * 86400)) w.retry_max = std::chrono::seconds(*s);
      if (e.key == "max_attempts") set(w.max_attempts, integer<int>(e, ctx, 1, 1000));
      if (e.key == "timeout_seconds")
        if (auto s = integer<int>(e, ctx, 1, 300)) w.timeout = std::chrono::seconds(*s);
    }
  }

  void api_keys(const Entry& list_entry) {
    auto items = r_.sequence(list_entry, "");
    if (!items) return;
    std::vector<ApiKey> keys;
    std::map<std::string, std::string> names, hashes;  // -> where first seen
    for (std::size_t i = 0; i < items->size(); ++i) {
      const YAML::Node& node = (*items)[i];
      const std::string what = "api key " + std::to_string(i + 1);
      auto m = r_.mapping(node, r_.where(node), what);
      if (!m) continue;
      r_.check_keys(*m, "in " + what, kKeyKeys);
      for (std::string_view required : {"name", "sha256", "roles"})
        if (m->find(required) == nullptr) r_.missing_key(*m, required, "in " + what);
      ApiKey key;
      bool ok = true;
      for (const Entry& e : m->entries) ok = key_field(e, what, key, names, hashes) && ok;
      if (ok) keys.push_back(std::move(key));
    }
    c_.daemon.api_keys = std::move(keys);
  }

  bool key_field(const Entry& e, const std::string& what, ApiKey& key, std::map<std::string, std::string>& names,
                 std::map<std::string, std::string>& hashes) {
    const std::string ctx = "in " + what;
    if (e.key == "name") {
      auto s = r_.non_empty_string(e, ctx);
      if (!s) return false;
      if (auto [it, fresh] = names.emplace(*s, r_.where(e)); !fresh) {
        r_.error(r_.where(e), "api key name \"" + *s + "\" is used twice (first at " + it->second + ")");
        return false;
      }
      key.name = *s;
    } else if (e.key == "sha256") {
      auto s = r_.string(e, ctx);
      if (!s) return false;
      const bool hex = s->size() == 64 && s->find_first_not_of("0123456789abcdefABCDEF") == std::string::npos;
      if (!hex) {
        r_.error(r_.where(e), "\"sha256\" " + ctx + " must be 64 hex digits (triagectl key new prints it); "
                              "the key itself never goes into the config");
        return false;
      }
      for (char& c : *s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (auto [it, fresh] = hashes.emplace(*s, r_.where(e)); !fresh) {
        r_.error(r_.where(e), "the same key hash is configured twice (first at " + it->second + ")");
        return false;
      }
      key.sha256 = *s;
    } else if (e.key == "roles") {
      auto names_list = r_.strings(e, ctx, true);
      if (!names_list) return false;
      for (const std::string& n : *names_list) {
        auto role = role_from_string(n);
        if (!role) {
          r_.error(r_.where(e), "unknown role \"" + n + "\" " + ctx + " (intake, agent, admin)");
          return false;
        }
        key.roles |= *role;
      }
      if (key.roles == 0) {
        r_.error(r_.where(e), "\"roles\" " + ctx + " must name at least one role");
        return false;
      }
    } else if (e.key == "rate_limit") {
      return rate_limit(e, ctx, key.rate);
    } else if (e.key == "allowed_origins") {
      auto origins = r_.strings(e, ctx, true);
      if (!origins) return false;
      for (const std::string& o : *origins) {
        const bool shaped = o == "*" || ((o.starts_with("http://") || o.starts_with("https://")) &&
                                         o.find('/', o.find("://") + 3) == std::string::npos);
        if (!shaped) {
          r_.error(r_.where(e), "origin \"" + o + "\" " + ctx +
                                    " must be scheme://host[:port] without a path (or \"*\")");
          return false;
        }
      }
      key.allowed_origins = std::move(*origins);
    }
    return true;
  }

  bool rate_limit(const Entry& section_entry, const std::string& ctx, RateLimit& rate) {
    auto m = r_.mapping(section_entry, ctx);
    if (!m) return false;
    r_.check_keys(*m, "in \"rate_limit\" " + ctx, kRateKeys);
    bool ok = true;
    for (const Entry& e : m->entries) {
      auto n = r_.number(e, "in \"rate_limit\"");
      if (!n || *n <= 0 || *n > 1e6) {
        if (n) r_.error(r_.where(e), "\"" + e.key + "\" in \"rate_limit\" must be above 0 and at most 1000000");
        ok = false;
        continue;
      }
      (e.key == "per_second" ? rate.per_second : rate.burst) = *n;
    }
    if (ok && rate.burst > 0 && rate.per_second == 0) {
      r_.error(r_.where(section_entry), "\"rate_limit\" " + ctx + " has a burst but no per_second");
      ok = false;
    }
    return ok;
  }

  Reader& r_;
  std::string base_dir_;
  Config& c_;
};

}  // namespace

std::expected<void, routing::Diagnostics> apply_config_text(const std::string& source, const std::string& text,
                                                            const std::string& base_dir, Config& config) {
  routing::Diagnostics errors;
  yamlread::SourceMap map(source, text);
  Reader reader(map, errors);
  Config candidate = config;
  try {
    yamlread::FirstDocument doc = yamlread::load_first_document(text);
    if (doc.documents == 2) {
      reader.error(map.where(doc.second), "a config file holds one YAML document; this is a second one");
    }
    ConfigReader(reader, base_dir, candidate).top(doc.node);
  } catch (const YAML::Exception& e) {
    reader.error(map.where(e.mark), e.msg);
  }
  if (!errors.empty()) return std::unexpected(std::move(errors));
  config = std::move(candidate);
  return {};
}

std::expected<void, routing::Diagnostics> apply_config_file(const std::string& path, Config& config) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::unexpected(routing::Diagnostics{{path, "cannot read the config file"}});
  std::stringstream text;
  text << in.rdbuf();
  const std::string base = std::filesystem::absolute(path).parent_path().string();
  return apply_config_text(path, text.str(), base, config);
}

}  // namespace triaged::daemon
