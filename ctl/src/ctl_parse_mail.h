// triagectl parse-mail: what triaged reads from a message file, without a daemon. For admins
// asking "why did this mail become that ticket" and for checking a mail before reprocessing.
#pragma once

#include <string>
#include <vector>

namespace triaged::cli {

// Prints each file's decoded view as JSON (one object per file, pretty enough for a terminal);
// returns 0, or 1 if any file could not be read or parsed.
int parse_mail_files(const std::vector<std::string>& paths, bool with_text);

// `parse-mail --summary`: how triaged would read a whole export (an mbox, a Maildir or other
// directory, or files): counts of messages, unparseable ones, empty text, U+FFFD, guessed
// charsets, missing senders, robots by reason and bounces, and the worst messages by path or
// mbox offset. Progress on stderr. Returns 0, or 1 if the input cannot be opened.
int parse_mail_summary(const std::vector<std::string>& paths, bool as_json);

}  // namespace triaged::cli
