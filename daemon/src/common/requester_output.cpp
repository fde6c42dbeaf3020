// How requester profiles and ticket links look on the wire (json_output.h).
#include <boost/json.hpp>

#include "common/json_output.h"

namespace triaged::daemon {

namespace json = boost::json;

namespace {

bool open_status(const std::string& status) { return status != "resolved" && status != "closed"; }

}  // namespace

json::object requester_to_json(const storage::RequesterProfile& p, std::int64_t except_ticket) {
  json::array emails(p.emails.begin(), p.emails.end()), phones(p.phones.begin(), p.phones.end());
  json::object known;
  for (const auto& [field, v] : p.values)
    known[field] = {{"value", v.value}, {"from_ref", v.ticket_ref}, {"at", format_time(v.at)}};
  json::array tickets, open_tickets;
  for (const auto& t : p.tickets) {
    if (t.id == except_ticket) continue;
    json::object o{{"id", t.id},         {"ref", t.ref},         {"topic", t.topic},
                   {"department", t.department}, {"status", t.status}, {"subject", t.subject},
                   {"created_at", format_time(t.created_at)}};
    if (open_status(t.status)) open_tickets.push_back(o);
    tickets.push_back(std::move(o));
  }
  return {{"id", p.id},
          {"name", p.name},
          {"emails", std::move(emails)},
          {"phones", std::move(phones)},
          {"known", std::move(known)},
          {"open_tickets", std::move(open_tickets)},
          {"tickets", std::move(tickets)},
          {"created_at", format_time(p.created_at)},
          {"updated_at", format_time(p.updated_at)}};
}

json::array links_to_json(const std::vector<storage::TicketLink>& links) {
  json::array out;
  for (const auto& l : links)
    out.push_back({{"ticket_id", l.other_id},
                   {"ref", l.other_ref},
                   {"kind", l.kind},
                   {"status", l.other_status},
                   {"at", format_time(l.at)}});
  return out;
}

}  // namespace triaged::daemon
