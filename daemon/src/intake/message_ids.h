// Message-IDs for the mail triaged sends itself (automatic questions, staff replies): random,
// so a customer's answer quoting one threads back to exactly one ticket.
#pragma once

#include <string>

namespace triaged::daemon {

// "triaged.<32 hex digits>@<domain>", without <>. Thread-safe.
std::string new_message_id(const std::string& domain);

}  // namespace triaged::daemon
