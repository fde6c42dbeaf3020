#include "migrations.h"

#include <array>
#include <string>

namespace triaged::storage {
namespace {

struct Migration {
  int version;
  const char* sql;
};

// Append only: never edit a migration that has shipped, add the next number instead.
// Times are unix milliseconds (INTEGER) so they sort and compare in SQL without parsing.
// STRICT tables make SQLite reject a value of the wrong type instead of storing it anyway.
// Later features arrive as later migrations (2: the email path; 3: judging rules on traffic;
// 4: staff claim tickets; 5: SLA escalations; 6: requesters and links; 7: internal notes and
// deflected questions; 8: satisfaction surveys and ratings).
constexpr std::array kMigrations{
    Migration{1, R"sql(
CREATE TABLE tickets (
  id              INTEGER PRIMARY KEY,
  ref             TEXT NOT NULL UNIQUE,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL,
  channel         TEXT NOT NULL,
  requester_name  TEXT NOT NULL,
  requester_email TEXT NOT NULL,
  requester_phone TEXT NOT NULL,
  subject         TEXT NOT NULL,
  body            TEXT NOT NULL,
  fields_json     TEXT NOT NULL,
  headers_json    TEXT NOT NULL,
  explicit_topic  TEXT NOT NULL,
  topic           TEXT NOT NULL,
  department      TEXT NOT NULL,
  priority        TEXT NOT NULL,
  status          TEXT NOT NULL,
  due_at          INTEGER,
  rules_version   TEXT NOT NULL,
  decision_json   TEXT NOT NULL,
  idempotency_key TEXT UNIQUE,
  request_hash    TEXT NOT NULL
) STRICT;
CREATE INDEX tickets_by_department_status ON tickets(department, status, id);
CREATE INDEX tickets_by_status ON tickets(status, id);
CREATE INDEX tickets_by_topic ON tickets(topic, id);

CREATE TABLE ticket_events (
  id        INTEGER PRIMARY KEY,
  ticket_id INTEGER NOT NULL REFERENCES tickets(id),
  at        INTEGER NOT NULL,
  kind      TEXT NOT NULL,
  data_json TEXT NOT NULL
) STRICT;
CREATE INDEX ticket_events_by_ticket ON ticket_events(ticket_id, id);
-- History is evidence of what happened; make rewriting it an error, not a convention.
CREATE TRIGGER ticket_events_no_update BEFORE UPDATE ON ticket_events
  BEGIN SELECT RAISE(ABORT, 'ticket_events is append-only'); END;
CREATE TRIGGER ticket_events_no_delete BEFORE DELETE ON ticket_events
  BEGIN SELECT RAISE(ABORT, 'ticket_events is append-only'); END;

CREATE TABLE rule_sets (
  version         TEXT PRIMARY KEY,
  name            TEXT NOT NULL,
  source          TEXT NOT NULL,
  text            TEXT NOT NULL,
  first_loaded_at INTEGER NOT NULL
) STRICT;
)sql"},
    Migration{2, R"sql(
-- Raw mail and attachment bytes are BLOBs: they may hold NULs and any charset, and must
-- come back byte for byte.
CREATE TABLE messages (
  id           INTEGER PRIMARY KEY,
  ticket_id    INTEGER NOT NULL REFERENCES tickets(id),
  at           INTEGER NOT NULL,
  direction    TEXT NOT NULL CHECK (direction IN ('in', 'out')),
  kind         TEXT NOT NULL,
  channel      TEXT NOT NULL,
  mailbox      TEXT NOT NULL,
  message_id   TEXT NOT NULL,
  from_address TEXT NOT NULL,
  from_name    TEXT NOT NULL,
  to_address   TEXT NOT NULL,
  subject      TEXT NOT NULL,
  text         TEXT NOT NULL,
  raw          BLOB NOT NULL
) STRICT;
CREATE INDEX messages_by_ticket ON messages(ticket_id, id);
CREATE INDEX messages_by_message_id ON messages(message_id);
-- The writer looks duplicates up before inserting; this makes a missed lookup an error
-- instead of a second ticket for one delivery.
CREATE UNIQUE INDEX messages_inbound_once ON messages(mailbox, message_id)
  WHERE direction = 'in' AND message_id <> '';

CREATE TABLE attachments (
  id             INTEGER PRIMARY KEY,
  message_row_id INTEGER NOT NULL REFERENCES messages(id),
  filename       TEXT NOT NULL,
  content_type   TEXT NOT NULL,
  content_id     TEXT NOT NULL,
  is_inline      INTEGER NOT NULL,
  size           INTEGER NOT NULL,
  sha256         TEXT NOT NULL,
  data           BLOB NOT NULL,
  dropped        INTEGER NOT NULL,
  drop_reason    TEXT NOT NULL
) STRICT;
CREATE INDEX attachments_by_message ON attachments(message_row_id, id);

CREATE TABLE quarantine (
  id         INTEGER PRIMARY KEY,
  at         INTEGER NOT NULL,
  mailbox    TEXT NOT NULL,
  message_id TEXT NOT NULL,
  reason     TEXT NOT NULL,
  raw        BLOB NOT NULL,
  status     TEXT NOT NULL CHECK (status IN ('held', 'reprocessed')),
  ticket_id  INTEGER REFERENCES tickets(id)
) STRICT;
CREATE INDEX quarantine_by_status ON quarantine(status, id);
-- A broken mail delivered twice is one entry.
CREATE UNIQUE INDEX quarantine_once ON quarantine(mailbox, message_id) WHERE message_id <> '';

CREATE TABLE outbox (
  id              INTEGER PRIMARY KEY,
  ticket_id       INTEGER NOT NULL REFERENCES tickets(id),
  created_at      INTEGER NOT NULL,
  to_address      TEXT NOT NULL,
  to_name         TEXT NOT NULL,
  subject         TEXT NOT NULL,
  text            TEXT NOT NULL,
  message_id      TEXT NOT NULL,
  in_reply_to     TEXT NOT NULL,
  references_json TEXT NOT NULL,
  purpose         TEXT NOT NULL,
  attempts        INTEGER NOT NULL,
  next_attempt_at INTEGER NOT NULL,
  status          TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
  last_error      TEXT NOT NULL,
  sent_at         INTEGER
) STRICT;
CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
-- The daily cap on automatic replies counts by address whatever its case.
CREATE INDEX outbox_by_recipient ON outbox(lower(to_address), created_at);
)sql"},
    Migration{3, R"sql(
-- Replay and coverage read a period of tickets in (created_at, id) order, keyset-paged.
CREATE INDEX tickets_by_created_at ON tickets(created_at, id);
-- Coverage asks, per ticket, whether staff ever rerouted it.
CREATE INDEX ticket_events_by_kind ON ticket_events(kind, ticket_id);
)sql"},
    Migration{4, R"sql(
-- Who took the ticket; '' while nobody has. Existing tickets start unclaimed.
ALTER TABLE tickets ADD COLUMN assignee TEXT NOT NULL DEFAULT '';
)sql"},
    Migration{5, R"sql(
-- SLA escalations: each level fires at most once per ticket, whoever asks twice.
CREATE TABLE escalations (
  id           INTEGER PRIMARY KEY,
  ticket_id    INTEGER NOT NULL REFERENCES tickets(id),
  level        TEXT NOT NULL,
  at           INTEGER NOT NULL,
  sla          TEXT NOT NULL CHECK (sla IN ('first_response', 'resolution')),
  percent      INTEGER NOT NULL,
  action       TEXT NOT NULL,
  threshold_at INTEGER NOT NULL,
  deadline_at  INTEGER NOT NULL,
  UNIQUE (ticket_id, level)
) STRICT;

-- Webhook calls of escalations, delivered with retries like the mail outbox. The HMAC secret
-- is not here: only the name of the environment variable that holds it.
CREATE TABLE webhook_outbox (
  id              INTEGER PRIMARY KEY,
  ticket_id       INTEGER NOT NULL REFERENCES tickets(id),
  escalation_id   INTEGER NOT NULL REFERENCES escalations(id),
  created_at      INTEGER NOT NULL,
  url             TEXT NOT NULL,
  secret_env      TEXT NOT NULL,
  body            TEXT NOT NULL,
  attempts        INTEGER NOT NULL,
  next_attempt_at INTEGER NOT NULL,
  status          TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
  last_error      TEXT NOT NULL,
  sent_at         INTEGER
) STRICT;
CREATE INDEX webhook_outbox_due ON webhook_outbox(status, next_attempt_at);
CREATE INDEX webhook_outbox_by_ticket ON webhook_outbox(ticket_id, id);

-- The scheduler reads open tickets every few seconds; closed ones soon outnumber them.
CREATE INDEX tickets_open ON tickets(id) WHERE status NOT IN ('needs_info', 'resolved', 'closed');
)sql"},
    Migration{6, R"sql(
-- Requester profiles, built from tickets only. A key (normalised email or phone) names one
-- profile; the first ticket that brings it decides which. Tickets before this migration keep
-- requester_id NULL: their keys were never normalised, so guessing would merge strangers.
CREATE TABLE requesters (
  id         INTEGER PRIMARY KEY,
  name       TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE TABLE requester_keys (
  kind          TEXT NOT NULL CHECK (kind IN ('email', 'phone')),
  value         TEXT NOT NULL,
  requester_id  INTEGER NOT NULL REFERENCES requesters(id),
  first_seen_at INTEGER NOT NULL,
  PRIMARY KEY (kind, value)
) STRICT, WITHOUT ROWID;
CREATE INDEX requester_keys_by_requester ON requester_keys(requester_id);
-- What the requester gave that later tickets may reuse: name, email, phone and fields a rule
-- set marks `remember: true`. The latest value wins.
CREATE TABLE requester_values (
  requester_id INTEGER NOT NULL REFERENCES requesters(id),
  field        TEXT NOT NULL,
  value        TEXT NOT NULL,
  ticket_id    INTEGER NOT NULL REFERENCES tickets(id),
  at           INTEGER NOT NULL,
  PRIMARY KEY (requester_id, field)
) STRICT, WITHOUT ROWID;
-- A requesters.id. No REFERENCES clause: profiles are never deleted, and a column with one
-- could not be dropped again (tests rebuild older databases that way).
ALTER TABLE tickets ADD COLUMN requester_id INTEGER;
CREATE INDEX tickets_by_requester ON tickets(requester_id, topic, id) WHERE requester_id IS NOT NULL;

-- The values of a rule set's duplicate match fields (order number, ...) per ticket, as
-- routed: what a later ticket of the same requester is compared with.
CREATE TABLE ticket_match_keys (
  ticket_id INTEGER NOT NULL REFERENCES tickets(id),
  field     TEXT NOT NULL,
  value     TEXT NOT NULL,
  PRIMARY KEY (ticket_id, field)
) STRICT, WITHOUT ROWID;
CREATE INDEX ticket_match_keys_by_value ON ticket_match_keys(field, value);

-- Links between tickets: (ticket_id, other_id, 'duplicate_of') says ticket_id repeats
-- other_id; 'related' is set by hand. One link per pair and direction.
CREATE TABLE ticket_links (
  ticket_id  INTEGER NOT NULL REFERENCES tickets(id),
  other_id   INTEGER NOT NULL REFERENCES tickets(id),
  kind       TEXT NOT NULL CHECK (kind IN ('duplicate_of', 'related')),
  created_at INTEGER NOT NULL,
  PRIMARY KEY (ticket_id, other_id),
  CHECK (ticket_id <> other_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX ticket_links_by_other ON ticket_links(other_id);

-- A ticket merged into another becomes a message there; its Idempotency-Key goes with it, so
-- a retried request finds the merge instead of merging twice.
ALTER TABLE messages ADD COLUMN idempotency_key TEXT;
ALTER TABLE messages ADD COLUMN request_hash TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX messages_by_idempotency_key ON messages(idempotency_key) WHERE idempotency_key IS NOT NULL;
)sql"},
    Migration{7, R"sql(
-- Internal notes: staff-only remarks on a ticket. Their own table, never rows of messages:
-- messages is the public thread a customer may be shown, and no read of it can reach here.
CREATE TABLE internal_notes (
  id        INTEGER PRIMARY KEY,
  ticket_id INTEGER NOT NULL REFERENCES tickets(id),
  at        INTEGER NOT NULL,
  author    TEXT NOT NULL,
  text      TEXT NOT NULL
) STRICT;
CREATE INDEX internal_notes_by_ticket ON internal_notes(ticket_id, id);

-- Questions answered before they became tickets: an answer of the rule set (topic, answer id)
-- that the caller or web visitor said was enough.
CREATE TABLE deflections (
  id        INTEGER PRIMARY KEY,
  at        INTEGER NOT NULL,
  topic     TEXT NOT NULL,
  answer_id TEXT NOT NULL,
  channel   TEXT NOT NULL
) STRICT;
CREATE INDEX deflections_by_time ON deflections(at);
)sql"},
    Migration{8, R"sql(
-- The satisfaction survey of a ticket, at most one: asked when it is first resolved, then its
-- current rating. The history is in ticket_events (satisfaction_asked, satisfaction_rated);
-- this row is what stats count. department, topic and agent are the ticket's at the ask.
CREATE TABLE satisfaction (
  ticket_id  INTEGER PRIMARY KEY REFERENCES tickets(id),
  asked_at   INTEGER NOT NULL,
  closes_at  INTEGER NOT NULL,
  department TEXT NOT NULL,
  topic      TEXT NOT NULL,
  agent      TEXT NOT NULL,
  mailed     INTEGER NOT NULL,
  rating     TEXT CHECK (rating IN ('good', 'bad')),
  comment    TEXT NOT NULL DEFAULT '',
  rated_at   INTEGER
) STRICT;
CREATE INDEX satisfaction_by_asked ON satisfaction(asked_at);
)sql"},
};

}  // namespace

int latest_schema_version() { return kMigrations.back().version; }

Result<void> migrate(Database& db) {
  // Inside the write lock, so two processes opening a fresh file cannot both migrate it.
  auto tx = Transaction::begin(db, Transaction::Mode::immediate);
  if (!tx) return std::unexpected(std::move(tx.error()));
  auto current = db.query_int64("PRAGMA user_version");
  if (!current) return std::unexpected(std::move(current.error()));
  if (*current > latest_schema_version()) {
    return std::unexpected(StoreError{
        StoreError::Code::io, "database schema version " + std::to_string(*current) +
                                  " is newer than this build's " +
                                  std::to_string(latest_schema_version())});
  }
  for (const Migration& migration : kMigrations) {
    if (migration.version <= *current) continue;
    auto applied = db.exec(migration.sql);
    if (!applied) {
      return std::unexpected(StoreError{StoreError::Code::io,
                                        "migration " + std::to_string(migration.version) +
                                            " failed: " + applied.error().message});
    }
    // user_version lives in the file header and is written inside this transaction, so a
    // failed later migration rolls it back together with the schema.
    auto recorded = db.exec("PRAGMA user_version = " + std::to_string(migration.version));
    if (!recorded) return recorded;
  }
  return tx->commit();
}

Result<void> check_schema_current(Database& db) {
  auto current = db.query_int64("PRAGMA user_version");
  if (!current) return std::unexpected(std::move(current.error()));
  if (*current == latest_schema_version()) return {};
  const std::string versions = "database schema version " + std::to_string(*current) + ", this build's " +
                               std::to_string(latest_schema_version());
  return std::unexpected(StoreError{
      StoreError::Code::io,
      *current > latest_schema_version()
          ? versions + ": use the triaged build that wrote it"
          : versions + ": start this build's triaged on it once so it migrates, then read it"});
}

}  // namespace triaged::storage
