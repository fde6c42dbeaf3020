// A big SQLite database made quickly, for `triagectl migrate-db` measurements (bench/cluster):
// N tickets through storage::TicketStore's own writer, in batches of up to 1,000, each routed
// by the built-in rules and stored as the API stores it (bench/new_ticket.h), with its
// requester's keys, so the profiles, keys and values tables fill as they do in a live helpdesk.
//
//   make_sqlite_db --db PATH [--tickets 100000] [--samples tickets.jsonl]
//
// PATH must not exist yet. Prints the tickets/s it reached.
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <semaphore>

#include "app/daemon.h"
#include "bench_support.h"
#include "intake/requester_history.h"
#include "new_ticket.h"
#include "rules/rules.h"
#include "storage/ticket_store.h"

int main(int argc, char** argv) {
  using namespace triaged;
  const bench::Args args(argc, argv);
  const std::string path = args.get("db", "");
  const auto tickets = static_cast<std::size_t>(args.number("tickets", 100000));
  if (path.empty() || std::filesystem::exists(path)) {
    std::fprintf(stderr, "usage: make_sqlite_db --db NEW_PATH [--tickets N] [--samples FILE]\n");
    return 2;
  }
  const auto samples = bench::load_samples(args.get("samples", "../shared/samples/eshop-ru/tickets.public.jsonl"));
  auto loaded = rules::load_rules_text(daemon::embedded_rules_text(), daemon::embedded_rules_source());
  if (!loaded) {
    std::fprintf(stderr, "the built-in rules do not load\n");
    return 2;
  }
  storage::StoreOptions options;
  options.path = path;
  options.create_if_missing = true;
  options.max_batch = 1000;
  options.queue_limit = 4000;
  auto store = storage::TicketStore::open(options);
  if (!store) {
    std::fprintf(stderr, "cannot open %s: %s\n", path.c_str(), store.error().message.c_str());
    return 2;
  }
  // Two batches in flight: one fills while the other commits.
  std::counting_semaphore<> slots(2000);
  std::atomic<std::size_t> failed{0};
  const auto start = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < tickets; ++i) {
    storage::NewTicket nt = bench::new_ticket(*loaded->rules, bench::make_ticket(samples, i), std::chrono::system_clock::now());
    nt.requester_keys = daemon::requester_keys(nt.ticket);
    slots.acquire();
    (*store)->create(std::move(nt), [&](storage::Result<storage::CreateOutcome> outcome) {
      if (!outcome) failed.fetch_add(1);
      slots.release();
    });
  }
  (*store)->close();  // commits what is queued
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (failed.load() > 0) {
    std::fprintf(stderr, "make_sqlite_db: %zu of %zu creates failed\n", failed.load(), tickets);
    return 1;
  }
  std::printf("make_sqlite_db: %zu tickets in %s in %.1f s (%.0f tickets/s)\n", tickets, path.c_str(), seconds,
              static_cast<double>(tickets) / seconds);
  return 0;
}
