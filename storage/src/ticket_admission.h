// What happens between "a ticket is accepted" and "a row is inserted": the requester's
// profile is found or made, and an open ticket the new one repeats is merged into or linked
// to (requesters.h). Runs inside the writer's transaction, so the decision sees every ticket
// committed or queued before it, and two racing reports of one problem cannot both be first.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "database.h"
#include "ticket_row.h"

namespace triaged::storage {

// create_one() after its idempotency check on tickets: a replay of a merged request, a
// merge, or a new ticket (linked as a duplicate when the policy says so).
Result<CreateOutcome> admit_ticket(Database& db, const NewTicket& ticket, const MergedMessageWriter& write_merged);

// The profile that owns the key (kind "email" or "phone"); nullopt for none or an empty value.
Result<std::optional<std::int64_t>> key_owner(Database& db, std::string_view kind, const std::string& value);

// Records a link and its two events ("linked" on both tickets). `kind` is "duplicate_of" or
// "related"; false when the pair was linked already (nothing written).
Result<bool> insert_link(Database& db, const StoredTicket& ticket, const StoredTicket& other, const std::string& kind,
                         const std::string& reason, const std::string& actor, Clock::time_point at);
// Removes the pair's link in either direction, with an "unlinked" event on both; false when
// there was none.
Result<bool> delete_link(Database& db, const StoredTicket& ticket, const StoredTicket& other,
                         const std::string& reason, const std::string& actor, Clock::time_point at);

}  // namespace triaged::storage
