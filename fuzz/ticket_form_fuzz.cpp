// ticket_from_form() and form_decode() on any bytes: never crash; a decoded component is never
// longer than its source and percent-encoding anything decodes back to it; an accepted ticket
// keeps the adapter's promises (UTF-8, limits), survives a round trip through a form
// unchanged, and routes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "route_check.h"
#include "common/server_limits.h"
#include "intake/ticket_input.h"

namespace {

using triaged::fuzz::check;
using triaged::routing::Ticket;

std::string encode(std::string_view s) {
  static const char* const kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
        c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string to_form(const Ticket& t) {
  std::string out = "subject=" + encode(t.subject) + "&body=" + encode(t.body) + "&name=" +
                    encode(t.requester.name) + "&email=" + encode(t.requester.email) + "&phone=" +
                    encode(t.requester.phone) + "&topic=" + encode(t.topic) + "&channel=" + encode(t.channel);
  for (const auto& [k, v] : t.fields) out += "&" + encode("fields[" + k + "]") + "=" + encode(v);
  return out;
}

bool same(const Ticket& a, const Ticket& b) {
  return a.subject == b.subject && a.body == b.body && a.requester.name == b.requester.name &&
         a.requester.email == b.requester.email && a.requester.phone == b.requester.phone && a.fields == b.fields &&
         a.channel == b.channel && a.topic == b.topic;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace limits = triaged::daemon::limits;
  using triaged::fuzz::valid_utf8;
  const std::string_view body(reinterpret_cast<const char*>(data), size);

  std::string decoded;
  if (triaged::daemon::form_decode(body, decoded))
    check(decoded.size() <= body.size(), "a decoded component is no longer than its source");
  std::string round;
  check(triaged::daemon::form_decode(encode(body), round) && round == body, "form_decode(encode(s)) == s");

  auto ticket = triaged::daemon::ticket_from_form(body);
  if (!ticket) {
    const auto& p = ticket.error();
    check(p.status == 400 || p.status == 422, "a refused form is a 400 or a 422");
    check(!p.detail.empty() || !p.errors.empty(), "a refused form says what is wrong");
    return 0;
  }
  const Ticket& t = *ticket;
  check(t.subject.size() <= limits::kMaxSubjectBytes && t.body.size() <= limits::kMaxBodyTextBytes,
        "subject and body are within their limits");
  check(t.fields.size() <= limits::kMaxFields, "at most kMaxFields fields");
  check(valid_utf8(t.subject) && valid_utf8(t.body) && valid_utf8(t.requester.name) && valid_utf8(t.topic),
        "text is UTF-8");
  for (const auto& [k, v] : t.fields) check(valid_utf8(k) && valid_utf8(v), "field ids and values are UTF-8", k);

  auto again = triaged::daemon::ticket_from_form(to_form(t));
  check(again.has_value(), "an accepted ticket written back as a form is accepted again", to_form(t));
  check(same(t, *again), "and reads back the same", to_form(t));
  triaged::fuzz::route_and_render(t);
  return 0;
}
