// The PostgreSQL side of copy_from_sqlite.cpp: what a copy needs of its target before and
// after the rows (schema, emptiness, sequences, counts). Not thread-safe, like Connection.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "pg_connection.h"

namespace triaged::storage::pg {

// Opens the PostgreSQL store once, so its own migrations create or update the schema (and a
// URL carrying a password is refused there), then connects for the copy.
Result<Connection> open_copy_target(const std::string& url);

// Fails with Code::conflict, naming the first table that holds rows and how many, unless all
// of `tables` are empty.
Result<void> refuse_unless_empty(Connection& dst, std::span<const std::string_view> tables);

// Moves the sequence behind `table`.id (if it has one) past the largest id in the table, never
// back: the next ticket, event or message a node inserts gets a new id, and so a new ref.
Result<void> advance_sequence(Connection& dst, std::string_view table);

Result<std::int64_t> count_rows(Connection& dst, std::string_view table);

}  // namespace triaged::storage::pg
