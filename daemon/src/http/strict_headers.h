// Header blocks a strict server refuses (issue 17), as plain checks the HTTP session runs
// before any endpoint: HTTP/1.1 without exactly one Host (RFC 9112 3.2), two Authorization
// headers (which one would count?), and obs-fold, a header value continued on the next line
// (RFC 9112 5.2), which Beast would silently join and a proxy in front may read otherwise.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "common/problem.h"

namespace triaged::daemon {

struct HeaderCounts {
  unsigned version = 11;  // 10: HTTP/1.0, 11: HTTP/1.1
  std::size_t host = 0;
  std::size_t authorization = 0;
};

// 400 naming the header, or nullopt.
std::optional<Problem> check_header_counts(const HeaderCounts& counts);

// Where the header block in `bytes` (what a client sent so far) ends, past its empty line;
// nullopt while it is incomplete. Leading empty lines (RFC 9112 2.2) are part of it.
std::optional<std::size_t> header_block_end(std::string_view bytes);

// 400 if a line of `header_block` after the request line starts with a space or a tab.
std::optional<Problem> check_obs_fold(std::string_view header_block);

}  // namespace triaged::daemon
