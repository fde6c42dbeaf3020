// storage: questions answered before they became tickets. When a caller or a web visitor says
// one of the rule set's answers (`answers:` of a topic) was enough, the intake records a
// deflection: the topic and answer it was, and the channel. Counted per topic by read_stats()
// (stats.h). Thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "storage/mail.h"
#include "storage/result.h"

namespace triaged::storage {

struct Deflection {
  Clock::time_point at;
  std::string topic;      // a topic id of the live rules; the caller checks it
  std::string answer_id;  // an answer id of that topic
  std::string channel;    // "phone", "web", ...
};

class DeflectionStore {
 public:
  virtual ~DeflectionStore() = default;

  // Stores one deflection; returns its id. Code::bad_request when topic or answer_id is
  // empty; Code::closed after close().
  virtual Result<std::int64_t> record_deflection(const Deflection& deflection) = 0;
};

}  // namespace triaged::storage
