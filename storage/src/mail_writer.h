// The write of one inbound mail's effect, run on the writer thread inside a batch's
// savepoint, in the caller's transaction.
#pragma once

#include <cstdint>

#include "database.h"
#include "storage/mail_store.h"

namespace triaged::storage {

// One MailWrite (see MailStore::write_mail). Any error means the caller must undo this
// write's rows: it may fail after some of them went in (a reply to a ticket that vanished,
// a link to a missing ticket).
//
// Duplicates: a write whose (mailbox, message_id) matches a stored inbound message answers
// duplicate with that message's ticket, whatever its kind. A quarantine write whose pair is
// already in quarantine answers duplicate with that entry. A create or append whose pair is
// only in quarantine goes ahead: that is how a quarantined mail is reprocessed.
Result<MailOutcome> write_mail_one(Database& db, const MailWrite& write);

}  // namespace triaged::storage
