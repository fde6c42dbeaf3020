// Short public references for tickets and opaque list cursors, both in Crockford base32
// (digits and letters without I, L, O, U), which survives being read aloud over the phone.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace triaged::storage {

// "K7M-3QX" for ids below 32^6; longer ids widen to 8, 10, 12 and 13 symbols. The id passes
// through a fixed bijective scramble first, so refs are unique without a retry loop yet
// consecutive tickets do not get consecutive-looking refs.
// REQUIRES: id > 0.
std::string encode_ref(std::int64_t id);

// The canonical form of a ref as a person may type it: any case, with or without the dash
// or spaces, O for 0 and I or L for 1. nullopt if it cannot be a ref at all.
std::optional<std::string> normalize_ref(std::string_view typed);

// The keyset cursor naming the last ticket of a page, and back. decode_cursor rejects
// anything encode_cursor could not have produced.
std::string encode_cursor(std::int64_t last_id);
std::optional<std::int64_t> decode_cursor(std::string_view cursor);

}  // namespace triaged::storage
