// ticket_from_json() on any bytes: never crashes, answers 400/422 or a ticket that keeps the
// adapter's promises, survives a round trip through JSON unchanged, and routes.
#include <boost/json.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_check.h"
#include "route_check.h"
#include "common/server_limits.h"
#include "intake/ticket_input.h"

namespace {

namespace json = boost::json;
using triaged::fuzz::check;
using triaged::routing::Ticket;

bool same(const Ticket& a, const Ticket& b) {
  return a.subject == b.subject && a.body == b.body && a.requester.name == b.requester.name &&
         a.requester.email == b.requester.email && a.requester.phone == b.requester.phone && a.fields == b.fields &&
         a.channel == b.channel && a.topic == b.topic;
}

std::string to_json(const Ticket& t) {
  json::object fields;
  for (const auto& [k, v] : t.fields) fields[k] = v;
  return json::serialize(json::object{{"subject", t.subject},
                                      {"body", t.body},
                                      {"requester", {{"name", t.requester.name},
                                                     {"email", t.requester.email},
                                                     {"phone", t.requester.phone}}},
                                      {"fields", std::move(fields)},
                                      {"topic", t.topic},
                                      {"channel", t.channel}});
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace limits = triaged::daemon::limits;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  auto ticket = triaged::daemon::ticket_from_json(body);
  if (!ticket) {
    const auto& p = ticket.error();
    check(p.status == 400 || p.status == 422, "a refused ticket is a 400 or a 422");
    check(!p.errors.empty(), "a refused ticket names what is wrong");
    return 0;
  }
  const Ticket& t = *ticket;
  check(t.subject.size() <= limits::kMaxSubjectBytes && t.body.size() <= limits::kMaxBodyTextBytes,
        "subject and body are within their limits");
  check(t.fields.size() <= limits::kMaxFields, "at most kMaxFields fields");
  check(!t.channel.empty(), "a ticket has a channel");
  check(triaged::fuzz::valid_utf8(t.subject) && triaged::fuzz::valid_utf8(t.body), "text is UTF-8");

  auto again = triaged::daemon::ticket_from_json(to_json(t));
  check(again.has_value(), "an accepted ticket written back as JSON is accepted again", to_json(t));
  check(same(t, *again), "and reads back the same");
  triaged::fuzz::route_and_render(t);
  return 0;
}
