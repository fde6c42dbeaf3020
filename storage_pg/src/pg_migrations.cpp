#include "pg_migrations.h"

#include <array>
#include <string>

namespace triaged::storage::pg {
namespace {

struct Migration {
  int version;
  const char* sql;
};

// Append only: never edit a migration that has shipped, add the next number instead. Times
// are unix milliseconds (BIGINT), as in the SQLite schema, so both backends read and compare
// them the same way and a database moves between them without conversion. Ids come from
// sequences, so they are unique whichever node inserts; raw mail and attachments are BYTEA.
// Each block names the SQLite migration (storage/src/migrations.cpp) it corresponds to.
constexpr std::array kMigrations{
    Migration{1, R"sql(
-- SQLite 1: tickets, their append-only history, rule-set versions.
CREATE TABLE tickets (
  id              BIGINT PRIMARY KEY,
  ref             TEXT NOT NULL UNIQUE,
  created_at      BIGINT NOT NULL,
  updated_at      BIGINT NOT NULL,
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
  due_at          BIGINT,
  rules_version   TEXT NOT NULL,
  decision_json   TEXT NOT NULL,
  idempotency_key TEXT UNIQUE,
  request_hash    TEXT NOT NULL,
  assignee        TEXT NOT NULL DEFAULT '',  -- SQLite 4
  requester_id    BIGINT                     -- SQLite 6
);
-- Taken before the insert, so the ref (derived from the id) goes into the same row.
CREATE SEQUENCE tickets_id_seq OWNED BY tickets.id;
CREATE INDEX tickets_by_department_status ON tickets(department, status, id);
CREATE INDEX tickets_by_status ON tickets(status, id);
CREATE INDEX tickets_by_topic ON tickets(topic, id);

CREATE TABLE ticket_events (
  id        BIGSERIAL PRIMARY KEY,
  ticket_id BIGINT NOT NULL REFERENCES tickets(id),
  at        BIGINT NOT NULL,
  kind      TEXT NOT NULL,
  data_json TEXT NOT NULL
);
CREATE INDEX ticket_events_by_ticket ON ticket_events(ticket_id, id);
-- History is evidence of what happened; make rewriting it an error, not a convention.
-- TRUNCATE skips row triggers, so it gets its own.
CREATE FUNCTION ticket_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'ticket_events is append-only';
END $$;
CREATE TRIGGER ticket_events_no_update BEFORE UPDATE ON ticket_events
  FOR EACH ROW EXECUTE FUNCTION ticket_events_append_only();
CREATE TRIGGER ticket_events_no_delete BEFORE DELETE ON ticket_events
  FOR EACH ROW EXECUTE FUNCTION ticket_events_append_only();
CREATE TRIGGER ticket_events_no_truncate BEFORE TRUNCATE ON ticket_events
  FOR EACH STATEMENT EXECUTE FUNCTION ticket_events_append_only();

-- SQLite's json_valid(): coverage and stats read the stored decision as JSON, and a row
-- someone else wrote that is not JSON must count under its ticket's topic, not fail the read.
CREATE FUNCTION try_jsonb(text) RETURNS jsonb LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  RETURN $1::jsonb;
EXCEPTION WHEN others THEN
  RETURN NULL;
END $$;

CREATE TABLE rule_sets (
  version         TEXT PRIMARY KEY,
  name            TEXT NOT NULL,
  source          TEXT NOT NULL,
  text            TEXT NOT NULL,
  first_loaded_at BIGINT NOT NULL
);

-- SQLite 2: the email path.
CREATE TABLE messages (
  id              BIGSERIAL PRIMARY KEY,
  ticket_id       BIGINT NOT NULL REFERENCES tickets(id),
  at              BIGINT NOT NULL,
  direction       TEXT NOT NULL CHECK (direction IN ('in', 'out')),
  kind            TEXT NOT NULL,
  channel         TEXT NOT NULL,
  mailbox         TEXT NOT NULL,
  message_id      TEXT NOT NULL,
  from_address    TEXT NOT NULL,
  from_name       TEXT NOT NULL,
  to_address      TEXT NOT NULL,
  subject         TEXT NOT NULL,
  text            TEXT NOT NULL,
  raw             BYTEA NOT NULL,
  idempotency_key TEXT,                     -- SQLite 6
  request_hash    TEXT NOT NULL DEFAULT ''  -- SQLite 6
);
CREATE INDEX messages_by_ticket ON messages(ticket_id, id);
CREATE INDEX messages_by_message_id ON messages(message_id);
-- One delivery is one ticket, whichever node took it: a second node's insert fails here and
-- it answers with the first node's ticket.
CREATE UNIQUE INDEX messages_inbound_once ON messages(mailbox, message_id)
  WHERE direction = 'in' AND message_id <> '';

CREATE TABLE attachments (
  id             BIGSERIAL PRIMARY KEY,
  message_row_id BIGINT NOT NULL REFERENCES messages(id),
  filename       TEXT NOT NULL,
  content_type   TEXT NOT NULL,
  content_id     TEXT NOT NULL,
  is_inline      BOOLEAN NOT NULL,
  size           BIGINT NOT NULL,
  sha256         TEXT NOT NULL,
  data           BYTEA NOT NULL,
  dropped        BOOLEAN NOT NULL,
  drop_reason    TEXT NOT NULL
);
CREATE INDEX attachments_by_message ON attachments(message_row_id, id);

CREATE TABLE quarantine (
  id         BIGSERIAL PRIMARY KEY,
  at         BIGINT NOT NULL,
  mailbox    TEXT NOT NULL,
  message_id TEXT NOT NULL,
  reason     TEXT NOT NULL,
  raw        BYTEA NOT NULL,
  status     TEXT NOT NULL CHECK (status IN ('held', 'reprocessed')),
  ticket_id  BIGINT REFERENCES tickets(id)
);
CREATE INDEX quarantine_by_status ON quarantine(status, id);
CREATE UNIQUE INDEX quarantine_once ON quarantine(mailbox, message_id) WHERE message_id <> '';

CREATE TABLE outbox (
  id              BIGSERIAL PRIMARY KEY,
  ticket_id       BIGINT NOT NULL REFERENCES tickets(id),
  created_at      BIGINT NOT NULL,
  to_address      TEXT NOT NULL,
  to_name         TEXT NOT NULL,
  subject         TEXT NOT NULL,
  text            TEXT NOT NULL,
  message_id      TEXT NOT NULL,
  in_reply_to     TEXT NOT NULL,
  references_json TEXT NOT NULL,
  purpose         TEXT NOT NULL,
  attempts        INTEGER NOT NULL,
  next_attempt_at BIGINT NOT NULL,
  status          TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
  last_error      TEXT NOT NULL,
  sent_at         BIGINT
);
CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
CREATE INDEX outbox_by_recipient ON outbox(lower(to_address), created_at);

-- SQLite 3: judging rules on traffic.
CREATE INDEX tickets_by_created_at ON tickets(created_at, id);
CREATE INDEX ticket_events_by_kind ON ticket_events(kind, ticket_id);

-- SQLite 5: SLA escalations; UNIQUE (ticket, level) is "never twice" across nodes.
CREATE TABLE escalations (
  id           BIGSERIAL PRIMARY KEY,
  ticket_id    BIGINT NOT NULL REFERENCES tickets(id),
  level        TEXT NOT NULL,
  at           BIGINT NOT NULL,
  sla          TEXT NOT NULL CHECK (sla IN ('first_response', 'resolution')),
  percent      INTEGER NOT NULL,
  action       TEXT NOT NULL,
  threshold_at BIGINT NOT NULL,
  deadline_at  BIGINT NOT NULL,
  UNIQUE (ticket_id, level)
);
CREATE TABLE webhook_outbox (
  id              BIGSERIAL PRIMARY KEY,
  ticket_id       BIGINT NOT NULL REFERENCES tickets(id),
  escalation_id   BIGINT NOT NULL REFERENCES escalations(id),
  created_at      BIGINT NOT NULL,
  url             TEXT NOT NULL,
  secret_env      TEXT NOT NULL,
  body            TEXT NOT NULL,
  attempts        INTEGER NOT NULL,
  next_attempt_at BIGINT NOT NULL,
  status          TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
  last_error      TEXT NOT NULL,
  sent_at         BIGINT
);
CREATE INDEX webhook_outbox_due ON webhook_outbox(status, next_attempt_at);
CREATE INDEX webhook_outbox_by_ticket ON webhook_outbox(ticket_id, id);
CREATE INDEX tickets_open ON tickets(id) WHERE status NOT IN ('needs_info', 'resolved', 'closed');

-- SQLite 6: requester profiles, match keys, links, idempotent merges.
CREATE TABLE requesters (
  id         BIGSERIAL PRIMARY KEY,
  name       TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE TABLE requester_keys (
  kind          TEXT NOT NULL CHECK (kind IN ('email', 'phone')),
  value         TEXT NOT NULL,
  requester_id  BIGINT NOT NULL REFERENCES requesters(id),
  first_seen_at BIGINT NOT NULL,
  PRIMARY KEY (kind, value)
);
CREATE INDEX requester_keys_by_requester ON requester_keys(requester_id);
CREATE TABLE requester_values (
  requester_id BIGINT NOT NULL REFERENCES requesters(id),
  field        TEXT NOT NULL,
  value        TEXT NOT NULL,
  ticket_id    BIGINT NOT NULL REFERENCES tickets(id),
  at           BIGINT NOT NULL,
  PRIMARY KEY (requester_id, field)
);
-- SQLite leaves out the REFERENCES clause only so its tests can drop the column again.
ALTER TABLE tickets ADD CONSTRAINT tickets_requester_fk FOREIGN KEY (requester_id) REFERENCES requesters(id);
CREATE INDEX tickets_by_requester ON tickets(requester_id, topic, id) WHERE requester_id IS NOT NULL;
CREATE TABLE ticket_match_keys (
  ticket_id BIGINT NOT NULL REFERENCES tickets(id),
  field     TEXT NOT NULL,
  value     TEXT NOT NULL,
  PRIMARY KEY (ticket_id, field)
);
CREATE INDEX ticket_match_keys_by_value ON ticket_match_keys(field, value);
CREATE TABLE ticket_links (
  ticket_id  BIGINT NOT NULL REFERENCES tickets(id),
  other_id   BIGINT NOT NULL REFERENCES tickets(id),
  kind       TEXT NOT NULL CHECK (kind IN ('duplicate_of', 'related')),
  created_at BIGINT NOT NULL,
  PRIMARY KEY (ticket_id, other_id),
  CHECK (ticket_id <> other_id)
);
CREATE INDEX ticket_links_by_other ON ticket_links(other_id);
CREATE UNIQUE INDEX messages_by_idempotency_key ON messages(idempotency_key) WHERE idempotency_key IS NOT NULL;
)sql"},
    Migration{2, R"sql(
-- SQLite 7: internal notes, staff-only remarks on a ticket. Their own table, never rows of
-- messages: messages is the public thread a customer may be shown, and no read of it can
-- reach here.
CREATE TABLE internal_notes (
  id        BIGSERIAL PRIMARY KEY,
  ticket_id BIGINT NOT NULL REFERENCES tickets(id),
  at        BIGINT NOT NULL,
  author    TEXT NOT NULL,
  text      TEXT NOT NULL
);
CREATE INDEX internal_notes_by_ticket ON internal_notes(ticket_id, id);
-- Questions answered before they became tickets: an answer of the rule set (topic, answer
-- id) that the caller or web visitor said was enough.
CREATE TABLE deflections (
  id        BIGSERIAL PRIMARY KEY,
  at        BIGINT NOT NULL,
  topic     TEXT NOT NULL,
  answer_id TEXT NOT NULL,
  channel   TEXT NOT NULL
);
CREATE INDEX deflections_by_time ON deflections(at);
)sql"},
    Migration{3, R"sql(
-- No SQLite counterpart: the rule set every node sharing this database serves (issue 20); one
-- SQLite node has no others to share its rules with. One row, written by the first node that
-- starts and replaced by each reload on any node; the version is one of the history's.
CREATE TABLE active_rule_set (
  singleton    BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (singleton),
  version      TEXT NOT NULL REFERENCES rule_sets(version),
  generation   BIGINT NOT NULL,
  published_by TEXT NOT NULL,
  published_at BIGINT NOT NULL
);
)sql"},
    Migration{4, R"sql(
-- SQLite 8: the satisfaction survey of a ticket, at most one: asked when it is first
-- resolved, then its current rating. The history is in ticket_events (satisfaction_asked,
-- satisfaction_rated); this row is what stats count. department, topic and agent are the
-- ticket's at the ask.
CREATE TABLE satisfaction (
  ticket_id  BIGINT PRIMARY KEY REFERENCES tickets(id),
  asked_at   BIGINT NOT NULL,
  closes_at  BIGINT NOT NULL,
  department TEXT NOT NULL,
  topic      TEXT NOT NULL,
  agent      TEXT NOT NULL,
  mailed     BOOLEAN NOT NULL,
  rating     TEXT CHECK (rating IN ('good', 'bad')),
  comment    TEXT NOT NULL DEFAULT '',
  rated_at   BIGINT
);
CREATE INDEX satisfaction_by_asked ON satisfaction(asked_at);
)sql"},
};

// Any constant both nodes agree on: the key of the advisory lock migrations run under.
constexpr std::int64_t kMigrationLock = 0x7472696167656401;  // "triaged\x01"

}  // namespace

int latest_schema_version() { return kMigrations.back().version; }

Result<void> migrate(Connection& db) {
  auto tx = Transaction::begin(db);
  if (!tx) return std::unexpected(std::move(tx.error()));
  // Released at commit or rollback; a second node opening meanwhile waits here, then finds
  // every migration applied.
  if (auto locked = db.exec("SELECT pg_advisory_xact_lock($1)", {int64(kMigrationLock)}); !locked) {
    return std::unexpected(std::move(locked.error()));
  }
  if (auto made = db.run("CREATE TABLE IF NOT EXISTS schema_migrations ("
                         "version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)");
      !made) {
    return made;
  }
  auto current = db.exec("SELECT coalesce(max(version), 0) FROM schema_migrations");
  if (!current) return std::unexpected(std::move(current.error()));
  const std::int64_t version = current->int64(0, 0);
  if (version > latest_schema_version()) {
    return std::unexpected(StoreError{
        StoreError::Code::io, "database schema version " + std::to_string(version) +
                                  " is newer than this build's " +
                                  std::to_string(latest_schema_version())});
  }
  for (const Migration& migration : kMigrations) {
    if (migration.version <= version) continue;
    if (auto applied = db.run(migration.sql); !applied) {
      return std::unexpected(StoreError{applied.error().code,
                                        "migration " + std::to_string(migration.version) +
                                            " failed: " + applied.error().message,
                                        applied.error().cause});
    }
    auto recorded = db.exec(
        "INSERT INTO schema_migrations (version, applied_at) "
        "VALUES ($1, (extract(epoch FROM clock_timestamp()) * 1000)::bigint)",
        {int64(std::int64_t{migration.version})});
    if (!recorded) return std::unexpected(std::move(recorded.error()));
  }
  return tx->commit();
}

}  // namespace triaged::storage::pg
