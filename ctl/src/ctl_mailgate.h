// triagectl mailgate: the MTA's pipe into triaged. Reads one message on stdin, posts it to
// POST /api/v1/ingest/email and exits with the sysexits code the MTA acts on: 0 once the
// daemon stored it in any form (ticket, reply, duplicate, quarantine), 75 (EX_TEMPFAIL, the
// MTA keeps the mail and retries) whenever the daemon could not take it for a reason that
// may pass, 65 (EX_DATAERR, a bounce) only when the daemon refused the message itself (413
// too large, 415). Any other answer (a 400 from a bad --mailbox, 401/403, 404 from a wrong
// --url, 5xx) is the operator's to fix, and the mail waits in the MTA's queue meanwhile.
#pragma once

#include <chrono>
#include <cstdio>
#include <string>

#include "ctl_http.h"

namespace triaged::cli {

struct MailgateOptions {
  std::string url = "http://127.0.0.1:8080";  // the daemon
  std::string api_key;
  std::string mailbox;                        // the address the MTA delivered to
  std::chrono::seconds timeout{60};
  std::size_t max_bytes = 64 * 1024 * 1024;   // read at most this much from stdin
  bool quiet = false;                         // no line on stdout for a stored message
};

// POSTs one raw message to the daemon's ingest endpoint (with options.mailbox, key and
// timeout) and returns the answer as it came; mailgate and import-mail both deliver this way.
HttpReply post_mail(const MailgateOptions& options, std::string message);

// Returns the exit code; reasons go to stderr (the MTA logs them, or quotes them in a bounce).
int run_mailgate(const MailgateOptions& options, std::FILE* in);

}  // namespace triaged::cli
