// The replay report (common/replay.h) for a terminal: `triagectl replay` without --json.
#pragma once

#include <string>

#include "common/replay.h"

namespace triaged::cli {

// For people: the summary, the department matrix as a table, changed transitions with
// examples, and the newly incomplete tickets.
std::string report_to_text(const daemon::ReplayReport& report);

}  // namespace triaged::cli
