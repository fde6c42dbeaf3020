// Reading the header side of a GMimeMessage into our plain types: addresses, message-id lists
// and the lower-case header map. Used for the top-level message and for forwarded ones.
#pragma once

#include <gmime/gmime.h>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mail/message.h"

namespace triaged::mail::detail {

// Mailboxes in order, groups flattened; names decoded and cleaned to UTF-8.
std::vector<Address> read_addresses(InternetAddressList* list);

// The first mailbox of an address header written without angle brackets around an address
// that follows a display name ("Big Bug bb@bug.com", "=?utf-8?q?J=C3=B6rg?= j@example.de"),
// which GMime reads as no address; nullopt for any other form. `raw_value` as in the message.
std::optional<Address> unbracketed_first_mailbox(GMimeParserOptions* options, std::string_view raw_value);

// An address a reply can go to: "local@domain", no spaces, quotes, brackets or encoded words.
bool is_usable_address(const Address& address);
bool has_usable_address(const std::vector<Address>& addresses);

// A second reading of a malformed address header GMime found no usable address in: the
// whole value RFC 2047-decoded first (some mailers encode "Name <addr>" as one word), outer
// quotes removed, then parsed again; failing that, the first word holding an "@".
std::vector<Address> salvage_addresses(GMimeParserOptions* options, std::string_view raw_value);

// The raw (undecoded, folded) value of the first header named `name`; nullptr if none.
const char* first_raw_header(GMimeObject* object, const char* name);

// "Name <addr>" or just "addr", for human-readable renderings.
std::string format_address(const Address& address);

// Every msg-id in a References/In-Reply-To style value, without <>, in order.
std::vector<std::string> parse_message_ids(GMimeParserOptions* options, const char* value);

// The message's Message-ID without <>, "" if none.
std::string message_id_of(GMimeMessage* message);

// Lower-case name -> unfolded, decoded, UTF-8 value of the first occurrence, each value cut at
// max_value_bytes on a UTF-8 boundary.
std::map<std::string, std::string> read_header_map(GMimeObject* object, std::size_t max_value_bytes);

}  // namespace triaged::mail::detail
