// A test-only SQLite VFS named "faulty": the default (unix) VFS, except that while a fault is
// set the calls that change a file fail the way a full disk, a file gone read-only, a failing
// disk or a failing fsync make the unix VFS fail. Reads always work. A store opened on
// faulty_uri(path) therefore meets real SQLite errors from real commits, with no mount, no
// chmod (root ignores it) and no hook in the code under test.
//
// The fault is process-wide; tests that set one run one at a time (Catch2 runs test cases
// sequentially). Header-only so each test binary that needs it includes it directly.
#pragma once

#include <sqlite3.h>

#include <atomic>
#include <cstring>
#include <stdexcept>
#include <string>

namespace triaged::test {

enum class DiskFault {
  none,
  full,        // every write: SQLITE_FULL, as ENOSPC gives
  read_only,   // every write or truncate: SQLITE_READONLY
  io_error,    // every write or truncate: SQLITE_IOERR_WRITE, as EIO or EROFS give
  sync_fails,  // writes work, every fsync: SQLITE_IOERR_FSYNC
};

inline const char* to_string(DiskFault fault) {
  switch (fault) {
    case DiskFault::none: return "none";
    case DiskFault::full: return "full";
    case DiskFault::read_only: return "read_only";
    case DiskFault::io_error: return "io_error";
    case DiskFault::sync_fails: return "sync_fails";
  }
  return "?";
}

namespace faulty_vfs_detail {

inline std::atomic<DiskFault> g_fault{DiskFault::none};
inline std::atomic<int> g_refused{0};  // calls failed since the last set_disk_fault()

struct File {
  sqlite3_file base;   // must come first: SQLite sees a File* as a sqlite3_file*
  sqlite3_file* real;  // the unix VFS's file, which lives right after this struct
};

inline sqlite3_file* real(sqlite3_file* f) { return reinterpret_cast<File*>(f)->real; }

inline int refuse(int rc) {
  g_refused.fetch_add(1);
  return rc;
}

inline int x_close(sqlite3_file* f) { return real(f)->pMethods->xClose(real(f)); }
inline int x_read(sqlite3_file* f, void* buf, int n, sqlite3_int64 off) {
  return real(f)->pMethods->xRead(real(f), buf, n, off);
}
inline int x_write(sqlite3_file* f, const void* buf, int n, sqlite3_int64 off) {
  switch (g_fault.load()) {
    case DiskFault::full: return refuse(SQLITE_FULL);
    case DiskFault::read_only: return refuse(SQLITE_READONLY);
    case DiskFault::io_error: return refuse(SQLITE_IOERR_WRITE);
    default: return real(f)->pMethods->xWrite(real(f), buf, n, off);
  }
}
inline int x_truncate(sqlite3_file* f, sqlite3_int64 size) {
  switch (g_fault.load()) {
    case DiskFault::read_only: return refuse(SQLITE_READONLY);
    case DiskFault::io_error: return refuse(SQLITE_IOERR_TRUNCATE);
    default: return real(f)->pMethods->xTruncate(real(f), size);
  }
}
inline int x_sync(sqlite3_file* f, int flags) {
  if (g_fault.load() == DiskFault::sync_fails) return refuse(SQLITE_IOERR_FSYNC);
  return real(f)->pMethods->xSync(real(f), flags);
}
inline int x_file_size(sqlite3_file* f, sqlite3_int64* size) {
  return real(f)->pMethods->xFileSize(real(f), size);
}
inline int x_lock(sqlite3_file* f, int level) { return real(f)->pMethods->xLock(real(f), level); }
inline int x_unlock(sqlite3_file* f, int level) { return real(f)->pMethods->xUnlock(real(f), level); }
inline int x_check_reserved_lock(sqlite3_file* f, int* out) {
  return real(f)->pMethods->xCheckReservedLock(real(f), out);
}
inline int x_file_control(sqlite3_file* f, int op, void* arg) {
  return real(f)->pMethods->xFileControl(real(f), op, arg);
}
inline int x_sector_size(sqlite3_file* f) { return real(f)->pMethods->xSectorSize(real(f)); }
inline int x_device_characteristics(sqlite3_file* f) {
  return real(f)->pMethods->xDeviceCharacteristics(real(f));
}
inline int x_shm_map(sqlite3_file* f, int page, int size, int extend, void volatile** out) {
  return real(f)->pMethods->xShmMap(real(f), page, size, extend, out);
}
inline int x_shm_lock(sqlite3_file* f, int offset, int n, int flags) {
  return real(f)->pMethods->xShmLock(real(f), offset, n, flags);
}
inline void x_shm_barrier(sqlite3_file* f) { real(f)->pMethods->xShmBarrier(real(f)); }
inline int x_shm_unmap(sqlite3_file* f, int delete_flag) {
  return real(f)->pMethods->xShmUnmap(real(f), delete_flag);
}
inline int x_fetch(sqlite3_file* f, sqlite3_int64 off, int n, void** out) {
  return real(f)->pMethods->xFetch(real(f), off, n, out);
}
inline int x_unfetch(sqlite3_file* f, sqlite3_int64 off, void* p) {
  return real(f)->pMethods->xUnfetch(real(f), off, p);
}

// Version 3, as the unix VFS's own: WAL needs the xShm* methods.
inline const sqlite3_io_methods kMethods = {
    3,           x_close,         x_read,         x_write,       x_truncate,
    x_sync,      x_file_size,     x_lock,         x_unlock,      x_check_reserved_lock,
    x_file_control, x_sector_size, x_device_characteristics, x_shm_map, x_shm_lock,
    x_shm_barrier, x_shm_unmap,   x_fetch,        x_unfetch,
};

inline sqlite3_vfs* base_vfs(sqlite3_vfs* vfs) { return static_cast<sqlite3_vfs*>(vfs->pAppData); }

inline int x_open(sqlite3_vfs* vfs, sqlite3_filename name, sqlite3_file* f, int flags, int* out_flags) {
  auto* file = reinterpret_cast<File*>(f);
  file->real = reinterpret_cast<sqlite3_file*>(file + 1);
  const int rc = base_vfs(vfs)->xOpen(base_vfs(vfs), name, file->real, flags, out_flags);
  // SQLite calls xClose exactly when pMethods is set, so set it only if the real file is open.
  file->base.pMethods = file->real->pMethods != nullptr ? &kMethods : nullptr;
  return rc;
}
inline int x_delete(sqlite3_vfs* vfs, const char* name, int sync_dir) {
  return base_vfs(vfs)->xDelete(base_vfs(vfs), name, sync_dir);
}
inline int x_access(sqlite3_vfs* vfs, const char* name, int flags, int* out) {
  return base_vfs(vfs)->xAccess(base_vfs(vfs), name, flags, out);
}
inline int x_full_pathname(sqlite3_vfs* vfs, const char* name, int n, char* out) {
  return base_vfs(vfs)->xFullPathname(base_vfs(vfs), name, n, out);
}
inline void* x_dl_open(sqlite3_vfs* vfs, const char* name) {
  return base_vfs(vfs)->xDlOpen(base_vfs(vfs), name);
}
inline void x_dl_error(sqlite3_vfs* vfs, int n, char* out) { base_vfs(vfs)->xDlError(base_vfs(vfs), n, out); }
inline void (*x_dl_sym(sqlite3_vfs* vfs, void* handle, const char* symbol))(void) {
  return base_vfs(vfs)->xDlSym(base_vfs(vfs), handle, symbol);
}
inline void x_dl_close(sqlite3_vfs* vfs, void* handle) { base_vfs(vfs)->xDlClose(base_vfs(vfs), handle); }
inline int x_randomness(sqlite3_vfs* vfs, int n, char* out) {
  return base_vfs(vfs)->xRandomness(base_vfs(vfs), n, out);
}
inline int x_sleep(sqlite3_vfs* vfs, int micros) { return base_vfs(vfs)->xSleep(base_vfs(vfs), micros); }
inline int x_current_time(sqlite3_vfs* vfs, double* out) {
  return base_vfs(vfs)->xCurrentTime(base_vfs(vfs), out);
}
inline int x_get_last_error(sqlite3_vfs* vfs, int n, char* out) {
  return base_vfs(vfs)->xGetLastError(base_vfs(vfs), n, out);
}
inline int x_current_time_int64(sqlite3_vfs* vfs, sqlite3_int64* out) {
  return base_vfs(vfs)->xCurrentTimeInt64(base_vfs(vfs), out);
}

inline sqlite3_vfs* make_vfs() {
  sqlite3_vfs* base = sqlite3_vfs_find(nullptr);
  if (base == nullptr || base->iVersion < 2) throw std::runtime_error("no default SQLite VFS of version 2");
  static sqlite3_vfs vfs{};
  vfs.iVersion = 2;  // no xSetSystemCall & co.: nothing here overrides system calls
  vfs.szOsFile = static_cast<int>(sizeof(File)) + base->szOsFile;
  vfs.mxPathname = base->mxPathname;
  vfs.zName = "faulty";
  vfs.pAppData = base;
  vfs.xOpen = x_open;
  vfs.xDelete = x_delete;
  vfs.xAccess = x_access;
  vfs.xFullPathname = x_full_pathname;
  vfs.xDlOpen = x_dl_open;
  vfs.xDlError = x_dl_error;
  vfs.xDlSym = x_dl_sym;
  vfs.xDlClose = x_dl_close;
  vfs.xRandomness = x_randomness;
  vfs.xSleep = x_sleep;
  vfs.xCurrentTime = x_current_time;
  vfs.xGetLastError = x_get_last_error;
  vfs.xCurrentTimeInt64 = x_current_time_int64;
  if (sqlite3_vfs_register(&vfs, 0) != SQLITE_OK) throw std::runtime_error("cannot register the faulty VFS");
  return &vfs;
}

}  // namespace faulty_vfs_detail

// The URI that opens `path` through the faulty VFS (registering it on first use).
inline std::string faulty_uri(const std::string& path) {
  static sqlite3_vfs* registered = faulty_vfs_detail::make_vfs();
  (void)registered;
  return "file:" + path + "?vfs=faulty";
}

// Sets the fault every file opened through the faulty VFS meets from now on.
inline void set_disk_fault(DiskFault fault) {
  faulty_vfs_detail::g_refused.store(0);
  faulty_vfs_detail::g_fault.store(fault);
}

// Calls the fault refused since it was set: a test whose fault was never met proves nothing.
inline int refused_calls() { return faulty_vfs_detail::g_refused.load(); }

// Sets a fault for one scope and clears it however the scope ends, so a failing assertion
// cannot leave the disk "full" for the next test case.
class ScopedDiskFault {
 public:
  explicit ScopedDiskFault(DiskFault fault) { set_disk_fault(fault); }
  ~ScopedDiskFault() { set_disk_fault(DiskFault::none); }
  ScopedDiskFault(const ScopedDiskFault&) = delete;
  ScopedDiskFault& operator=(const ScopedDiskFault&) = delete;
};

}  // namespace triaged::test
