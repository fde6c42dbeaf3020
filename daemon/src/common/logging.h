// Log output: text lines for a terminal, JSON lines for the journal and log shippers (one
// object per line: time, level, msg and, for events, their fields). Everything logs through
// spdlog's default logger; configure_logging() decides how its lines look.
#pragma once

#include <boost/json/object.hpp>
#include <spdlog/common.h>

#include <expected>
#include <string>
#include <string_view>

namespace triaged::daemon {

struct LogOptions {
  std::string level = "info";   // trace, debug, info, warn, error, off
  std::string format = "auto";  // text, json, or auto: json when stdout is not a terminal
};

// Checks the names (an error names the bad value) and sets up the default logger on stdout.
std::expected<void, std::string> configure_logging(const LogOptions& options);
std::expected<void, std::string> check_log_options(const LogOptions& options);

// A log line with fields: in JSON each field is a key of the line, in text they follow the
// message as key=value. Values that are not valid UTF-8 are repaired, never dropped.
void log_event(spdlog::level::level_enum level, std::string_view msg, const boost::json::object& fields);

}  // namespace triaged::daemon
