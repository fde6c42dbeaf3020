// triagectl parse-mail: what triaged reads from a message file, without a daemon. For admins
// asking "why did this mail become that ticket" and for checking a mail before reprocessing.
#pragma once

#include <string>
#include <vector>

namespace triaged::cli {

// Prints each file's decoded view as JSON (one object per file, pretty enough for a terminal);
// returns 0, or 1 if any file could not be read or parsed.
int parse_mail_files(const std::vector<std::string>& paths, bool with_text);

}  // namespace triaged::cli
