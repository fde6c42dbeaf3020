// triagectl migrate-db: moves a helpdesk from its SQLite file to PostgreSQL
// (storage_pg/copy_from_sqlite.h), with a progress line per table on stderr and the counts of
// both sides on stdout. Exit 0 only when every table's counts match.
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "ctl_commands.h"
#include "text_table.h"

#ifdef TRIAGED_WITH_POSTGRESQL
#include "storage_pg/copy_from_sqlite.h"
#endif

namespace triaged::cli {
namespace {

struct Args {
  std::string from, to;
  bool resume = false;
  bool quiet = false;
  int batch_rows = 200;
};

#ifdef TRIAGED_WITH_POSTGRESQL

double rate(std::int64_t rows, double seconds) { return seconds > 0 ? static_cast<double>(rows) / seconds : 0; }

// A line per table at most once a second while it is copied, and one when it is done.
class TableProgress {
 public:
  void operator()(const storage::TableCopy& copy, bool done) {
    const auto now = std::chrono::steady_clock::now();
    if (!done && now - last_ < std::chrono::seconds(1)) return;
    last_ = now;
    if (done) {
      std::fprintf(stderr, "migrate-db: %-17s %lld rows (%lld new) in %.1f s, %.0f rows/s\n", copy.table.c_str(),
                   static_cast<long long>(copy.copied), static_cast<long long>(copy.inserted), copy.seconds,
                   rate(copy.copied, copy.seconds));
    } else {
      std::fprintf(stderr, "migrate-db: %-17s %lld of %lld rows, %.0f rows/s\n", copy.table.c_str(),
                   static_cast<long long>(copy.copied), static_cast<long long>(copy.source_rows),
                   rate(copy.copied, copy.seconds));
    }
    std::fflush(stderr);
  }

 private:
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

int migrate(const Args& args) {
  storage::CopyOptions options{.sqlite_path = args.from, .postgres_url = args.to, .resume = args.resume,
                               .batch_rows = args.batch_rows};
  if (!args.quiet) options.progress = TableProgress{};
  const auto start = std::chrono::steady_clock::now();
  auto copied = storage::copy_sqlite_to_postgres(options);
  if (!copied) {
    // The store's messages name the URL with any password replaced by "***".
    std::fprintf(stderr, "triagectl: migrate-db: %s\n", copied.error().message.c_str());
    return 1;
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::vector<std::vector<std::string>> rows{{"table", "sqlite", "postgresql", "new"}};
  std::int64_t total = 0;
  std::vector<const storage::TableCopy*> differ;
  for (const auto& copy : *copied) {
    rows.push_back({copy.table, std::to_string(copy.source_rows), std::to_string(copy.target_rows),
                    std::to_string(copy.inserted)});
    total += copy.copied;
    if (!copy.counts_match()) differ.push_back(&copy);
  }
  std::fputs(render_table(rows, 0).c_str(), stdout);
  for (const auto* copy : differ) {
    std::fprintf(stderr, "triagectl: migrate-db: %s: %lld rows in SQLite, %lld in PostgreSQL\n", copy->table.c_str(),
                 static_cast<long long>(copy->source_rows), static_cast<long long>(copy->target_rows));
  }
  if (!differ.empty()) {
    std::fprintf(stderr, "triagectl: migrate-db: counts differ in %zu table(s)\n", differ.size());
    return 1;
  }
  std::printf("%zu tables, %lld rows copied in %.1f s (%.0f rows/s); counts verified\n", copied->size(),
              static_cast<long long>(total), seconds, rate(total, seconds));
  return 0;
}

#else

int migrate(const Args&) {
  std::fprintf(stderr, "triagectl: migrate-db: this triagectl was built without PostgreSQL (libpq-dev)\n");
  return 1;
}

#endif

}  // namespace

void add_migrate_command(CLI::App& app, Run& run) {
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("migrate-db", "copy every ticket, event, message and outbox item of an SQLite "
                                               "database into PostgreSQL, then compare the counts");
  cmd->add_option("--from", args->from, "the SQLite database (data/triaged.db)")->required()->check(CLI::ExistingFile);
  cmd->add_option("--to", args->to,
                  "postgresql://USER@HOST:PORT/DB, without a password (PGPASSWORD, PGPASSFILE or ~/.pgpass)")
      ->required();
  cmd->add_flag("--resume", args->resume,
                "finish an earlier copy of the same file: rows already there are kept, the rest are added");
  cmd->add_option("--batch-rows", args->batch_rows, "rows per INSERT statement")
      ->default_val(200)
      ->check(CLI::Range(1, 65535));
  cmd->add_flag("-q,--quiet", args->quiet, "no progress lines on standard error");
  cmd->callback([&run, args] {
    run = [args] { return migrate(*args); };
  });
}

}  // namespace triaged::cli
