// SHA-256 as lower-case hex (OpenSSL), for request fingerprints and mail dedupe keys.
#pragma once

#include <string>
#include <string_view>

namespace triaged::daemon {

std::string sha256_hex(std::string_view data);

}  // namespace triaged::daemon
