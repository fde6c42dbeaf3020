// storage_pg: the TicketStore on PostgreSQL, for several triaged nodes sharing one database.
// Same role interfaces and contracts as the SQLite store (storage/ticket_store.h); ids, refs,
// Idempotency-Keys and (mailbox, Message-ID) pairs are unique across nodes by sequences and
// unique constraints. Creates are group-committed by one writer thread per node; reads and
// the other writes use a small pool of connections. Thread-safe. No libpq type appears here.
// EscalationStore: open_escalations(store) (storage/escalations.h) works on it too; the rule
// set the nodes share: open_rule_set_feed(store) below.
#pragma once

#include <memory>
#include <string_view>

#include "storage/result.h"
#include "storage/rule_set_feed.h"
#include "storage/ticket_store.h"

namespace triaged::storage {

// A postgresql:// or postgres:// URL (libpq's connection URI).
bool is_postgres_url(std::string_view path);

// Connects to options.path (a URL without a password: libpq takes it from PGPASSWORD,
// PGPASSFILE or the URL's passfile=), applies pending migrations under an
// advisory lock and starts the writer. Fails with Code::unavailable when the server cannot be
// reached, Code::io otherwise (a newer schema, a migration that failed, a URL that carries a
// password: refused, since URLs end up in configs, process lists and logs). create_if_missing
// and busy_timeout do not apply; read_only is refused.
Result<std::unique_ptr<TicketStore>> open_postgres_store(const StoreOptions& options);

// The backend options.path names: PostgreSQL for a postgresql:// URL, SQLite otherwise.
Result<std::unique_ptr<TicketStore>> open_any_store(const StoreOptions& options);

// The rule set shared by the nodes on `store`'s database (storage/rule_set_feed.h) when it is
// a PostgreSQL store; a null pointer for any other store, whose node keeps its own rules. The
// feed uses the store's connections (and one of its own to LISTEN, opened by the first wait()):
// REQUIRES: destroyed before `store`.
std::unique_ptr<RuleSetFeed> open_rule_set_feed(TicketStore& store);

}  // namespace triaged::storage
