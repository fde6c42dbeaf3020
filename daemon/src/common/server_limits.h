// Every bound the daemon puts on what a client can make it do, in one place.
#pragma once

#include <chrono>
#include <cstddef>

namespace triaged::daemon::limits {

// A ticket is a few KB of text; 1 MiB leaves room for long pasted emails and is still far
// below what could exhaust memory with many concurrent clients.
constexpr std::size_t kDefaultMaxBody = 1024 * 1024;
// One raw email with its attachments: mail servers commonly cap messages at 25-50 MB.
constexpr std::size_t kDefaultMaxEmailBody = 40 * 1024 * 1024;
// Request line plus headers. Browsers send 1-4 KB; 16 KB accepts big cookies, stops abuse.
constexpr std::size_t kMaxHeaderBytes = 16 * 1024;
// Header fields in one request. Browsers and API clients send 10-30; 100 (Apache's
// LimitRequestFields) leaves room and bounds what one request makes the parser keep.
constexpr std::size_t kMaxHeaderFields = 100;
// A request's header block must arrive within this, and an idle keep-alive connection is closed
// after it: a client that sends nothing, or a byte now and then (slowloris), is gone or hostile.
constexpr std::chrono::seconds kReadTimeout{30};
// Connections open at once. Each holds a descriptor until it closes or times out; beyond this a
// new client is answered 503 at once, rather than the daemon running out of descriptors and
// answering no one. 1000 fits under the common 1024-descriptor limit with room for the
// database, its journal and the logs.
constexpr std::size_t kDefaultMaxConnections = 1000;
// Of those, one client address may hold this many (issue 17): a host that opens connections and
// trickles its headers keeps nine tenths of the budget free for everyone else.
constexpr std::size_t kDefaultMaxConnectionsPerClient = 100;
// A body may arrive this slowly and still make it: its deadline is the read timeout plus
// its size at this rate (about 7 minutes for a 40 MB mail).
constexpr std::size_t kMinUploadBytesPerSecond = 100 * 1000;
// Writing a response should take milliseconds; a peer that does not read is dropped.
constexpr std::chrono::seconds kWriteTimeout{30};
// After SIGTERM, in-flight requests get this long before the io_context is stopped.
constexpr std::chrono::seconds kShutdownGrace{10};

// Per-field limits on ticket content, checked with a 422 naming the field.
constexpr std::size_t kMaxSubjectBytes = 1000;
constexpr std::size_t kMaxBodyTextBytes = 512 * 1024;
constexpr std::size_t kMaxFieldValueBytes = 4096;
constexpr std::size_t kMaxFields = 100;
constexpr std::size_t kMaxIdempotencyKeyBytes = 255;

// Listing: default and largest page.
constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 500;

}  // namespace triaged::daemon::limits
