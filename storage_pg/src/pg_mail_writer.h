// One inbound mail's whole effect inside the writer's transaction on PostgreSQL (see
// MailStore::write_mail).
#pragma once

#include "pg_connection.h"
#include "storage/mail_store.h"

namespace triaged::storage::pg {

Result<MailOutcome> write_mail_one(Connection& db, const MailWrite& write);

}  // namespace triaged::storage::pg
