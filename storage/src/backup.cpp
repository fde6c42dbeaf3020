#include "storage/backup.h"

#include <filesystem>

#include "database.h"

namespace triaged::storage {
namespace {

struct BackupDeleter {
  void operator()(sqlite3_backup* b) const noexcept { sqlite3_backup_finish(b); }
};

Result<void> copy(const std::string& db_path, const std::string& out_path, const std::string& tmp,
                  const BackupOptions& options) {
  auto source = Database::open(db_path, SQLITE_OPEN_READONLY);
  if (!source) return std::unexpected(std::move(source.error()));
  auto target = Database::open(tmp, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  if (!target) return std::unexpected(std::move(target.error()));
  sqlite3_busy_timeout(source->handle(), 5000);

  // One read transaction on the source for the whole copy: in WAL mode it does not stop the
  // daemon's writer, and the copy sees one snapshot instead of restarting every time the
  // daemon commits (which under steady load it would do forever).
  if (auto begun = source->exec("BEGIN"); !begun) return begun;
  if (auto read = source->query_int64("SELECT count(*) FROM sqlite_schema"); !read)
    return std::unexpected(std::move(read.error()));

  std::unique_ptr<sqlite3_backup, BackupDeleter> backup(
      sqlite3_backup_init(target->handle(), "main", source->handle(), "main"));
  if (!backup) return std::unexpected(sqlite_error(target->handle(), sqlite3_errcode(target->handle()), "starting the backup"));
  for (;;) {
    const int rc = sqlite3_backup_step(backup.get(), options.pages_per_step);
    if (options.progress) {
      const int total = sqlite3_backup_pagecount(backup.get());
      options.progress(total - sqlite3_backup_remaining(backup.get()), total);
    }
    if (rc == SQLITE_DONE) break;
    if (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED) continue;
    return std::unexpected(sqlite_error(target->handle(), rc, "copying pages to " + out_path));
  }
  backup.reset();
  (void)source->exec("COMMIT");

  // The copy is a rollback-journal database by default; make it what the daemon expects, so a
  // restore is a file copy.
  if (auto wal = target->exec("PRAGMA journal_mode = WAL"); !wal) return wal;
  auto check = target->prepare("PRAGMA integrity_check");
  if (!check) return std::unexpected(std::move(check.error()));
  auto row = check->step();
  if (!row) return std::unexpected(std::move(row.error()));
  if (!*row || check->column_text(0) != "ok")
    return std::unexpected(StoreError{StoreError::Code::io, "the copy fails PRAGMA integrity_check"});
  return {};
}

}  // namespace

Result<void> backup_database(const std::string& db_path, const std::string& out_path, BackupOptions options) {
  // Written beside the target and renamed when complete and checked: an interrupted backup
  // never leaves a file that looks like a good one.
  const std::string tmp = out_path + ".partial";
  std::error_code ec;
  std::filesystem::remove(tmp, ec);
  if (auto copied = copy(db_path, out_path, tmp, options); !copied) {
    std::filesystem::remove(tmp, ec);
    return copied;
  }
  std::filesystem::rename(tmp, out_path, ec);
  if (ec) return std::unexpected(StoreError{StoreError::Code::io, "cannot rename the copy to " + out_path + ": " + ec.message()});
  return {};
}

}  // namespace triaged::storage
