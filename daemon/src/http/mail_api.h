// The email endpoints: POST /api/v1/ingest/email, the raw bytes of stored messages and
// their attachments, and the quarantine (list, show, raw bytes, reprocess). Rows of the
// route table (routes.cpp); "{id}" is a number, anything else is not found.
#pragma once

#include "http/routes.h"

namespace triaged::daemon {

void post_email(const Call& call);           // POST /api/v1/ingest/email?mailbox= (message/rfc822)
void get_raw_message(const Call& call);      // GET /api/v1/messages/{id}/raw
void get_attachment(const Call& call);       // GET /api/v1/attachments/{id}
void list_quarantine(const Call& call);      // GET /api/v1/quarantine?status=&limit=
void get_quarantined(const Call& call);      // GET /api/v1/quarantine/{id}
void get_quarantined_raw(const Call& call);  // GET /api/v1/quarantine/{id}/raw
void post_reprocess(const Call& call);       // POST /api/v1/quarantine/{id}/reprocess

}  // namespace triaged::daemon
