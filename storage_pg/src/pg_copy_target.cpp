#include "pg_copy_target.h"

#include "storage_pg/postgres_store.h"

namespace triaged::storage::pg {

Result<Connection> open_copy_target(const std::string& url) {
  // The store is closed again at once: the copy writes through a connection of its own, with
  // statements the store has no use for.
  auto store = open_postgres_store(StoreOptions{.path = url});
  if (!store) return std::unexpected(std::move(store.error()));
  (*store)->close();
  store->reset();
  auto db = Connection::connect(url);
  if (!db) return db;
  // A batch statement has thousands of parameters: planning it afresh for each of its first
  // executions (PostgreSQL's custom plans) cost more than running it.
  if (auto set = db->run("SET plan_cache_mode = force_generic_plan"); !set) return std::unexpected(std::move(set.error()));
  return db;
}

Result<void> refuse_unless_empty(Connection& dst, std::span<const std::string_view> tables) {
  for (std::string_view table : tables) {
    auto rows = count_rows(dst, table);
    if (!rows) return std::unexpected(std::move(rows.error()));
    if (*rows > 0) {
      return std::unexpected(StoreError{
          StoreError::Code::conflict,
          "the PostgreSQL database already holds rows (" + std::to_string(*rows) + " in " + std::string(table) +
              "); give --resume to finish an earlier copy of the same file into it"});
    }
  }
  return {};
}

Result<void> advance_sequence(Connection& dst, std::string_view table) {
  const std::string name(table);
  auto has_id = dst.exec(
      "SELECT count(*) FROM information_schema.columns "
      "WHERE table_schema = current_schema() AND table_name = $1 AND column_name = 'id'",
      {text(name)});
  if (!has_id) return std::unexpected(std::move(has_id.error()));
  if (has_id->int64(0, 0) == 0) return {};
  auto sequence = dst.exec("SELECT pg_get_serial_sequence($1, 'id')", {text(name)});
  if (!sequence) return std::unexpected(std::move(sequence.error()));
  if (sequence->is_null(0, 0)) return {};
  // A sequence only moves forward, so a target that has gone further already keeps its place.
  auto moved = dst.exec("SELECT setval($1::regclass, m) FROM (SELECT max(id) AS m FROM " + name +
                            ") s WHERE m IS NOT NULL AND m > coalesce(pg_sequence_last_value($1::regclass), 0)",
                        {text(sequence->text(0, 0))});
  if (!moved) return std::unexpected(std::move(moved.error()));
  return {};
}

Result<std::int64_t> count_rows(Connection& dst, std::string_view table) {
  auto rows = dst.exec("SELECT count(*) FROM " + std::string(table));
  if (!rows) return std::unexpected(std::move(rows.error()));
  return rows->int64(0, 0);
}

}  // namespace triaged::storage::pg
