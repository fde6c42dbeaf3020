// The PostgreSQL side of the storage tests (store_test_support.h): each TempDatabase gets a
// schema of its own on the server the tests were given, so every test starts from an empty
// store as it does with a fresh SQLite file. The schemas are dropped when the test process
// exits. Only built when storage_pg is.
#include <libpq-fe.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "store_test_support.h"

namespace triaged::storage::test {
namespace {

// TRIAGED_TEST_PG_URL, or the first line of the file TRIAGED_TEST_PG_URL_FILE names (what
// ctest passes: the server's address is only known once its fixture started it).
std::string server_url() {
  if (const char* url = std::getenv("TRIAGED_TEST_PG_URL"); url != nullptr && *url != '\0') return url;
  if (const char* file = std::getenv("TRIAGED_TEST_PG_URL_FILE"); file != nullptr && *file != '\0') {
    std::ifstream in(file);
    std::string url;
    std::getline(in, url);
    return url;
  }
  return {};
}

void run_admin(const std::string& sql) {
  PGconn* conn = PQconnectdb(server_url().c_str());
  const bool connected = PQstatus(conn) == CONNECTION_OK;
  std::string why = PQerrorMessage(conn);
  PGresult* result = connected ? PQexec(conn, sql.c_str()) : nullptr;
  const bool ok = result != nullptr && PQresultStatus(result) == PGRES_COMMAND_OK;
  if (!ok && connected) why = PQresultErrorMessage(result);
  PQclear(result);
  PQfinish(conn);
  if (!ok) FAIL("PostgreSQL test server: " << sql << ": " << why);
}

// Drops every schema this process made, at exit: the stores using them are gone by then.
class Schemas {
 public:
  ~Schemas() {
    std::lock_guard lock(mutex_);
    if (names_.empty()) return;
    std::string sql = "SET client_min_messages = warning; ";
    for (const auto& name : names_) sql += "DROP SCHEMA IF EXISTS " + name + " CASCADE; ";
    PGconn* conn = PQconnectdb(server_url().c_str());
    if (PQstatus(conn) == CONNECTION_OK) PQclear(PQexec(conn, sql.c_str()));
    PQfinish(conn);
  }
  void add(std::string name) {
    std::lock_guard lock(mutex_);
    names_.push_back(std::move(name));
  }

 private:
  std::mutex mutex_;
  std::vector<std::string> names_;
};

Schemas& schemas() {
  static Schemas all;
  return all;
}

}  // namespace

bool postgres_under_test() { return !server_url().empty(); }

std::string fresh_postgres_url() {
  static std::atomic<int> counter{0};
  std::random_device random;
  const std::string schema = "test_" + std::to_string(random() % 1000000000) + "_" + std::to_string(counter++);
  run_admin("CREATE SCHEMA " + schema);
  // Constructed only after libpq first connected: exit handlers run in reverse, so the list's
  // destructor (which connects once more to drop the schemas) runs before libpq's and
  // OpenSSL's own clean-up.
  schemas().add(schema);
  const std::string base = server_url();
  // libpq's `options` sets search_path for every connection the store opens.
  return base + (base.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" + schema;
}

struct PgRaw {
  PGconn* conn = nullptr;
};

PgRaw* pg_raw_open(const std::string& url) {
  auto* raw = new PgRaw{PQconnectdb(url.c_str())};
  if (PQstatus(raw->conn) != CONNECTION_OK) {
    const std::string why = PQerrorMessage(raw->conn);
    pg_raw_close(raw);
    FAIL("cannot connect to " << url << ": " << why);
  }
  PQclear(PQexec(raw->conn, "SET client_min_messages = warning"));
  return raw;
}

void pg_raw_close(PgRaw* raw) {
  PQfinish(raw->conn);
  delete raw;
}

int pg_raw_exec(PgRaw* raw, const std::string& sql) {
  PGresult* result = PQexec(raw->conn, sql.c_str());
  const auto status = PQresultStatus(result);
  PQclear(result);
  return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK ? 0 : 1;
}

std::string pg_raw_query(PgRaw* raw, const std::string& sql) {
  PGresult* result = PQexec(raw->conn, sql.c_str());
  std::string value;
  if (PQresultStatus(result) == PGRES_TUPLES_OK && PQntuples(result) > 0 && !PQgetisnull(result, 0, 0))
    value = PQgetvalue(result, 0, 0);
  PQclear(result);
  return value;
}

}  // namespace triaged::storage::test
