# The storage tests that do not run against PostgreSQL (tests/storage/postgresql.cmake), by
# exact name. Every other storage test runs on both backends.

# SQLite's own machinery: the file, its VFS, PRAGMAs, its locks and trigger syntax. Each has
# (or needs) a PostgreSQL counterpart of its own rather than this test.
set(pg_sqlite_only
  # disk faults injected through a test VFS (tests/storage/faulty_vfs.h)
  "a create on a disk that refuses writes fails as unavailable and the next commits on the same connection"
  "a batch that meets a full disk is refused whole and leaves no ticket or event after a reopen"
  "a mail write on a full disk fails as unavailable and the next commits"
  "a reroute on a read-only disk fails as unavailable and the ticket keeps its route"
  # PRAGMA user_version, sqlite_master, journal_mode, and SQLite databases rebuilt at an older
  # schema version (PostgreSQL's migrations start at its own 1)
  "reopening a database does not re-apply its migrations"
  "a version 1 database with tickets migrates to the latest version and keeps them"
  "a version 3 database keeps its tickets unclaimed after migrating and they can be claimed"
  "a database written by a newer build is refused"
  "a file database runs in WAL mode"
  "opening a missing file without create_if_missing fails naming the path"
  # a second SQLite connection holding the write lock (BEGIN IMMEDIATE), busy_timeout, and a
  # trigger in SQLite's syntax
  "creates are refused as overloaded while the writer is blocked and the queue is full"
  "a write lock held past busy_timeout fails the batch as unavailable and the next batch commits"
  "a ticket the database rejects fails alone while the rest of its batch commits"
  # SQLite paths: a file that is not there, ":memory:" (they would pass on PostgreSQL without
  # touching it)
  "stats of a database that does not exist fail without creating it"
  "a read-only store refuses an in-memory or missing database"
)

# Not on PostgreSQL yet: these fail there today, honestly (the store refuses, or the function
# reads an SQLite file by path).
set(pg_not_yet
  # read_stats(db_path, ...) opens an SQLite file (storage/stats.h); no PostgreSQL reader yet
  "stats count reroutes per deciding source and the model's disagreements in the period"
  "decision sources of an empty period list the four sources at zero"
  "stats count repeats per channel and routed topic as merged or linked"
  "stats count statuses overdue first action resolution reroutes and default topic per group"
  "stats leave out tickets created outside the period"
  "stats count CSAT per department topic and agent with deflections beside the topics"
  # StoreOptions::read_only: open_postgres_store refuses it
  "a read-only store reads beside the writing one and refuses writes"
  "a read-only store opens a database no process has open"
)
