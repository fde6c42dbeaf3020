#include "intake/message_ids.h"

#include <random>

namespace triaged::daemon {

std::string new_message_id(const std::string& domain) {
  thread_local std::mt19937_64 random{std::random_device{}()};
  static const char* kHex = "0123456789abcdef";
  std::string id = "triaged.";
  for (int i = 0; i < 2; ++i) {
    auto bits = random();
    for (int j = 0; j < 16; ++j, bits >>= 4) id += kHex[bits & 15];
  }
  return id + "@" + domain;
}

}  // namespace triaged::daemon
