// Where open_escalations (storage/escalations.h) finds the escalation tables of a store that
// is not the SQLite one: another backend's library registers its opener here when it opens a
// store, so storage itself never links that backend.
#pragma once

#include <memory>

#include "storage/escalations.h"

namespace triaged::storage {

// Answers for stores of its own backend; for any other store, Code::io.
using EscalationOpener = Result<std::unique_ptr<EscalationStore>> (*)(TicketStore& store);

// Adds `opener` (once; registering it again changes nothing). Thread-safe.
void register_escalation_opener(EscalationOpener opener);

// Asks each registered opener in turn; Code::io when none answers for `store`.
Result<std::unique_ptr<EscalationStore>> open_other_escalations(TicketStore& store);

}  // namespace triaged::storage
