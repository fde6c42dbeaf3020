#include "common/logging.h"

#include <boost/json.hpp>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <atomic>
#include <ctime>

#include "common/utf8.h"

namespace triaged::daemon {
namespace {

namespace json = boost::json;

// The fields of the log_event() call being formatted on this thread. spdlog's default logger
// is synchronous, so the formatter runs inside that call, on the same thread.
thread_local const json::object* tl_fields = nullptr;
// Whether the default logger writes JSON: then an event's fields go into the line as keys and
// its msg stays as given; in text they are appended to msg.
std::atomic<bool> g_json{false};

std::string iso8601(spdlog::log_clock::time_point t) {
  const auto since = t.time_since_epoch();
  const std::time_t secs = std::chrono::duration_cast<std::chrono::seconds>(since).count();
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(since).count() % 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  const std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof buf - n, ".%03dZ", static_cast<int>(millis));
  return buf;
}

class JsonFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    json::object line;
    line["time"] = iso8601(msg.time);
    const auto level = spdlog::level::to_string_view(msg.level);
    line["level"] = std::string_view(level.data(), level.size());
    line["msg"] = as_utf8(std::string_view(msg.payload.data(), msg.payload.size()));
    if (tl_fields != nullptr)
      for (const auto& [key, value] : *tl_fields)
        if (key != "time" && key != "level" && key != "msg") line[key] = value;
    const std::string text = json::serialize(line);
    dest.append(text.data(), text.data() + text.size());
    dest.push_back('\n');
  }
  std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<JsonFormatter>(); }
};

bool json_format(const LogOptions& options) {
  if (options.format == "auto") return isatty(STDOUT_FILENO) == 0;
  return options.format == "json";
}

}  // namespace

std::expected<void, std::string> check_log_options(const LogOptions& options) {
  static const char* const kLevels[] = {"trace", "debug", "info", "warn", "error", "critical", "off"};
  if (std::ranges::find(kLevels, options.level) == std::end(kLevels))
    return std::unexpected("unknown log level \"" + options.level + "\" (trace, debug, info, warn, error, critical, off)");
  if (options.format != "auto" && options.format != "text" && options.format != "json")
    return std::unexpected("unknown log format \"" + options.format + "\" (text, json, auto)");
  return {};
}

std::expected<void, std::string> configure_logging(const LogOptions& options) {
  if (auto ok = check_log_options(options); !ok) return ok;
  auto sink = std::make_shared<spdlog::sinks::stdout_sink_mt>();
  g_json = json_format(options);
  if (g_json) {
    sink->set_formatter(std::make_unique<JsonFormatter>());
  } else {
    sink->set_formatter(std::make_unique<spdlog::pattern_formatter>("[%Y-%m-%d %H:%M:%S.%e] [%l] %v"));
  }
  auto logger = std::make_shared<spdlog::logger>("triaged", std::move(sink));
  logger->set_level(spdlog::level::from_str(options.level));
  // Lines go to a pipe under systemd: flush each one, or a crash loses the last of them.
  logger->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(std::move(logger));
  return {};
}

void log_event(spdlog::level::level_enum level, std::string_view msg, const json::object& fields) {
  auto logger = spdlog::default_logger_raw();
  if (!logger->should_log(level)) return;
  if (g_json) {
    tl_fields = &fields;
    logger->log(level, "{}", msg);
    tl_fields = nullptr;
    return;
  }
  std::string text(msg);
  for (const auto& [key, value] : fields) {
    text += ' ';
    text.append(key.data(), key.size());
    text += '=';
    text += value.is_string() ? as_utf8(value.get_string()) : json::serialize(value);
  }
  logger->log(level, "{}", text);
}

}  // namespace triaged::daemon
