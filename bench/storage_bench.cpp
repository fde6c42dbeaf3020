// Tickets/s of storage::TicketStore's group-committing writer at max_batch 1, 10, 100 and
// 1000, against raw sqlite3 inserts of the same rows in the same run: the same PRAGMAs as
// the store (WAL, synchronous=FULL), the same table and indexes, one prepared statement and
// BEGIN/COMMIT per batch. The rows are what the daemon stores for the sample tickets: routed
// by the built-in rules, with the decision (and its trace) serialised as the API does.
//
//   storage_bench [--seconds S] [--batches 1,10,100,1000] [--submitters N] [--dir DIR]
//                 [--samples tickets.jsonl] [--json results.jsonl]
//
// --dir must be on the disk under test (not tmpfs): fsync is what is being measured.
#include <sqlite3.h>

#include <atomic>
#include <cstdio>
#include <memory>
#include <semaphore>
#include <thread>
#include <vector>

#include "bench_support.h"
#include "new_ticket.h"
#include "app/daemon.h"
#include "common/digest.h"
#include "common/json_output.h"
#include "rules/rules.h"
#include "storage/ticket_store.h"

namespace triaged::bench {
namespace {

namespace json = boost::json;
using Clock = std::chrono::system_clock;

// The tickets and ticket_events tables of storage's migration 1, as the raw baseline's
// "equivalent table": same columns, constraints and indexes.
constexpr const char* kRawSchema = R"sql(
CREATE TABLE tickets (
  id INTEGER PRIMARY KEY, ref TEXT NOT NULL UNIQUE, created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL, channel TEXT NOT NULL, requester_name TEXT NOT NULL,
  requester_email TEXT NOT NULL, requester_phone TEXT NOT NULL, subject TEXT NOT NULL,
  body TEXT NOT NULL, fields_json TEXT NOT NULL, headers_json TEXT NOT NULL,
  explicit_topic TEXT NOT NULL, topic TEXT NOT NULL, department TEXT NOT NULL,
  priority TEXT NOT NULL, status TEXT NOT NULL, due_at INTEGER, rules_version TEXT NOT NULL,
  decision_json TEXT NOT NULL, idempotency_key TEXT UNIQUE, request_hash TEXT NOT NULL
) STRICT;
CREATE INDEX tickets_by_department_status ON tickets(department, status, id);
CREATE INDEX tickets_by_status ON tickets(status, id);
CREATE INDEX tickets_by_topic ON tickets(topic, id);
CREATE INDEX tickets_by_created_at ON tickets(created_at, id);
CREATE TABLE ticket_events (
  id INTEGER PRIMARY KEY, ticket_id INTEGER NOT NULL REFERENCES tickets(id),
  at INTEGER NOT NULL, kind TEXT NOT NULL, data_json TEXT NOT NULL
) STRICT;
CREATE INDEX ticket_events_by_ticket ON ticket_events(ticket_id, id);
)sql";

struct Row {
  storage::NewTicket ticket;
  // The columns the store derives from it, precomputed for the raw inserts.
  std::string fields_json;
  std::string event_json;
  std::size_t bytes = 0;  // stored text of the ticket row
};

std::vector<Row> make_rows(const std::vector<Sample>& samples, std::size_t count) {
  auto loaded = rules::load_rules_text(daemon::embedded_rules_text(), daemon::embedded_rules_source());
  if (!loaded) {
    std::fprintf(stderr, "the built-in rules do not load\n");
    std::exit(2);
  }
  const auto now = Clock::now();
  std::vector<Row> rows;
  rows.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    Row row;
    row.ticket = new_ticket(*loaded->rules, make_ticket(samples, i), now);
    const auto& nt = row.ticket;
    json::object fields;
    for (const auto& [k, v] : nt.ticket.fields) fields[k] = v;
    row.fields_json = json::serialize(fields);
    row.event_json = json::serialize(json::object{{"status", "new"}, {"topic", nt.topic}, {"department", nt.department}});
    row.bytes = nt.ticket.subject.size() + nt.ticket.body.size() + nt.ticket.requester.name.size() +
                nt.ticket.requester.email.size() + nt.ticket.requester.phone.size() + row.fields_json.size() +
                nt.decision_json.size() + nt.rules_version.size() + nt.request_hash.size() + nt.topic.size() +
                nt.department.size() + 60;
    rows.push_back(std::move(row));
  }
  return rows;
}

struct Measured {
  double tickets_per_s = 0;
  double avg_batch = 0;      // tickets per committed transaction
  double p50_ms = 0, p99_ms = 0;  // writer: submit to durable callback
  std::uint64_t errors = 0;
  double seconds = 0;
};

// Submitter threads keep `window` creates in flight, as that many HTTP requests waiting for
// their 201 would; the window is twice the batch so one batch can fill while another commits.
Measured run_writer(const std::vector<Row>& rows, int batch, double seconds, int submitters,
                    const std::string& path) {
  const int window = std::max(64, 2 * batch);
  storage::StoreOptions options;
  options.path = path;
  options.create_if_missing = true;
  options.max_batch = batch;
  options.queue_limit = static_cast<std::size_t>(std::max(10000, 2 * window));
  auto opened = storage::TicketStore::open(options);
  if (!opened) {
    std::fprintf(stderr, "cannot open %s: %s\n", path.c_str(), opened.error().message.c_str());
    std::exit(2);
  }
  auto& store = **opened;

  std::counting_semaphore<> slots(window);
  std::atomic<bool> stop{false}, measuring{false};
  std::atomic<std::uint64_t> done{0}, errors{0};
  std::vector<double> latencies_ms;  // touched only by the writer thread until close()
  latencies_ms.reserve(1 << 20);
  std::vector<std::thread> threads;
  for (int t = 0; t < submitters; ++t) {
    threads.emplace_back([&, t] {
      for (std::size_t i = static_cast<std::size_t>(t); !stop.load(); i += static_cast<std::size_t>(submitters)) {
        if (!slots.try_acquire_for(std::chrono::milliseconds(100))) continue;
        storage::NewTicket nt = rows[i % rows.size()].ticket;
        nt.received_at = Clock::now();
        const auto started = SteadyClock::now();
        store.create(std::move(nt), [&, started](storage::Result<storage::CreateOutcome> outcome) {
          if (!outcome) {
            errors.fetch_add(1);
          } else {
            done.fetch_add(1);
            if (measuring.load()) latencies_ms.push_back(seconds_since(started) * 1000);
          }
          slots.release();
        });
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(std::min(0.5, seconds / 5)));
  const std::uint64_t done0 = done.load(), tx0 = store.transactions_committed();
  measuring = true;
  const auto start = SteadyClock::now();
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  Measured m;
  const std::uint64_t tickets = done.load() - done0, txs = store.transactions_committed() - tx0;
  m.seconds = seconds_since(start);
  measuring = false;
  stop = true;
  for (auto& t : threads) t.join();
  store.close();
  m.tickets_per_s = static_cast<double>(tickets) / m.seconds;
  m.avg_batch = txs > 0 ? static_cast<double>(tickets) / static_cast<double>(txs) : 0;
  m.p50_ms = percentile(latencies_ms, 50);
  m.p99_ms = percentile(latencies_ms, 99);
  m.errors = errors.load();
  return m;
}

void must(sqlite3* db, int rc, const char* what) {
  if (rc == SQLITE_OK || rc == SQLITE_DONE || rc == SQLITE_ROW) return;
  std::fprintf(stderr, "sqlite: %s: %s\n", what, sqlite3_errmsg(db));
  std::exit(2);
}

void bind_text(sqlite3_stmt* stmt, int index, const std::string& text) {
  sqlite3_bind_text64(stmt, index, text.data(), text.size(), SQLITE_STATIC, SQLITE_UTF8);
}

// One thread, one prepared INSERT (plus the "created" event's when with_event), BEGIN
// IMMEDIATE/COMMIT around every `batch` rows: the best the store's writer could do.
Measured run_raw(const std::vector<Row>& rows, int batch, double seconds, bool with_event, const std::string& path) {
  sqlite3* db = nullptr;
  must(db, sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr),
       "open");
  sqlite3_busy_timeout(db, 5000);
  for (const char* pragma : {"PRAGMA journal_mode = WAL", "PRAGMA synchronous = FULL", "PRAGMA temp_store = MEMORY",
                             "PRAGMA cache_size = -32768", "PRAGMA foreign_keys = ON"})
    must(db, sqlite3_exec(db, pragma, nullptr, nullptr, nullptr), pragma);
  must(db, sqlite3_exec(db, kRawSchema, nullptr, nullptr, nullptr), "schema");
  sqlite3_stmt* insert = nullptr;
  sqlite3_stmt* event = nullptr;
  must(db,
       sqlite3_prepare_v3(db,
                          "INSERT INTO tickets (ref, created_at, updated_at, channel, requester_name, "
                          "requester_email, requester_phone, subject, body, fields_json, headers_json, "
                          "explicit_topic, topic, department, priority, status, due_at, rules_version, "
                          "decision_json, idempotency_key, request_hash) VALUES (?1, ?2, ?2, ?3, ?4, ?5, ?6, "
                          "?7, ?8, ?9, '{}', ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, NULL, ?18)",
                          -1, SQLITE_PREPARE_PERSISTENT, &insert, nullptr),
       "prepare insert");
  must(db,
       sqlite3_prepare_v3(db, "INSERT INTO ticket_events (ticket_id, at, kind, data_json) VALUES (?1, ?2, 'created', ?3)",
                          -1, SQLITE_PREPARE_PERSISTENT, &event, nullptr),
       "prepare event");

  std::uint64_t inserted = 0;
  const auto start = SteadyClock::now();
  while (seconds_since(start) < seconds) {
    must(db, sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), "begin");
    for (int k = 0; k < batch; ++k, ++inserted) {
      const Row& row = rows[inserted % rows.size()];
      const auto& nt = row.ticket;
      const auto& t = nt.ticket;
      const std::string ref = "R" + std::to_string(inserted);
      const std::int64_t at =
          std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now().time_since_epoch()).count();
      bind_text(insert, 1, ref);
      sqlite3_bind_int64(insert, 2, at);
      bind_text(insert, 3, t.channel);
      bind_text(insert, 4, t.requester.name);
      bind_text(insert, 5, t.requester.email);
      bind_text(insert, 6, t.requester.phone);
      bind_text(insert, 7, t.subject);
      bind_text(insert, 8, t.body);
      bind_text(insert, 9, row.fields_json);
      bind_text(insert, 10, t.topic);
      bind_text(insert, 11, nt.topic);
      bind_text(insert, 12, nt.department);
      sqlite3_bind_text(insert, 13, routing::to_string(nt.priority), -1, SQLITE_STATIC);
      bind_text(insert, 14, nt.status);
      if (nt.due_at) {
        sqlite3_bind_int64(insert, 15, std::chrono::duration_cast<std::chrono::milliseconds>(
                                           nt.due_at->time_since_epoch()).count());
      } else {
        sqlite3_bind_null(insert, 15);
      }
      bind_text(insert, 16, nt.rules_version);
      bind_text(insert, 17, nt.decision_json);
      bind_text(insert, 18, nt.request_hash);
      must(db, sqlite3_step(insert), "insert");
      sqlite3_reset(insert);
      if (with_event) {
        sqlite3_bind_int64(event, 1, sqlite3_last_insert_rowid(db));
        sqlite3_bind_int64(event, 2, at);
        bind_text(event, 3, row.event_json);
        must(db, sqlite3_step(event), "insert event");
        sqlite3_reset(event);
      }
    }
    must(db, sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr), "commit");
  }
  Measured m;
  m.seconds = seconds_since(start);
  m.tickets_per_s = static_cast<double>(inserted) / m.seconds;
  m.avg_batch = batch;
  sqlite3_finalize(insert);
  sqlite3_finalize(event);
  sqlite3_close(db);
  return m;
}

void remove_db(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm"}) std::remove((path + suffix).c_str());
}

}  // namespace
}  // namespace triaged::bench

int main(int argc, char** argv) {
  using namespace triaged::bench;
  const Args args(argc, argv);
  const double seconds = args.number("seconds", 3);
  const int submitters = static_cast<int>(args.number("submitters", 4));
  const std::vector<int> batches = args.list("batches", {1, 10, 100, 1000});
  JsonLines out(args.get("json", ""));
  const TempDir dir(args.get("dir", ""), "storage-bench");

  const auto samples = load_samples(args.get("samples", "../shared/samples/eshop-ru/tickets.public.jsonl"));
  const auto rows = make_rows(samples, 2000);
  double row_bytes = 0;
  for (const auto& r : rows) row_bytes += static_cast<double>(r.bytes);
  row_bytes /= static_cast<double>(rows.size());
  std::printf("storage_bench: %zu distinct rows of %.0f bytes on average (decision_json %.0f), %.1f s per run, "
              "%d submitter threads\n",
              rows.size(), row_bytes,
              [&] {
                double s = 0;
                for (const auto& r : rows) s += static_cast<double>(r.ticket.decision_json.size());
                return s / static_cast<double>(rows.size());
              }(),
              seconds, submitters);
  std::printf("%6s | %12s %9s %8s %8s | %12s %14s | %10s\n", "batch", "writer t/s", "avg batch", "p50 ms",
              "p99 ms", "raw t/s", "raw+event t/s", "writer/raw");
  std::fflush(stdout);

  for (int batch : batches) {
    const std::string path = dir.file("bench.db");
    const Measured writer = run_writer(rows, batch, seconds, submitters, path);
    remove_db(path);
    const Measured raw = run_raw(rows, batch, seconds, false, path);
    remove_db(path);
    const Measured raw_event = run_raw(rows, batch, seconds, true, path);
    remove_db(path);
    const double ratio = raw.tickets_per_s > 0 ? writer.tickets_per_s / raw.tickets_per_s : 0;
    std::printf("%6d | %12.0f %9.1f %8.2f %8.2f | %12.0f %14.0f | %9.0f%%%s\n", batch, writer.tickets_per_s,
                writer.avg_batch, writer.p50_ms, writer.p99_ms, raw.tickets_per_s, raw_event.tickets_per_s,
                ratio * 100, writer.errors ? "  (errors!)" : "");
    std::fflush(stdout);
    namespace json = boost::json;
    out.write(json::object{{"bench", "storage"},
                           {"batch", batch},
                           {"writer_tickets_per_s", writer.tickets_per_s},
                           {"writer_avg_batch", writer.avg_batch},
                           {"writer_p50_ms", writer.p50_ms},
                           {"writer_p99_ms", writer.p99_ms},
                           {"writer_errors", writer.errors},
                           {"raw_tickets_per_s", raw.tickets_per_s},
                           {"raw_with_event_tickets_per_s", raw_event.tickets_per_s},
                           {"writer_vs_raw", ratio},
                           {"row_bytes", row_bytes},
                           {"seconds", seconds},
                           {"submitters", submitters}});
  }
  return 0;
}
