// A progress line on stderr for triagectl's long runs: count, rate and time left, redrawn in
// place on a terminal at most 5 times a second, or a plain line every 30 s when stderr is a
// file or pipe (a log should not fill with carriage returns).
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace triaged::cli {

class Progress {
 public:
  explicit Progress(std::string verb, bool enabled = true);
  // After each message: `count` so far, `fraction` of the whole done (0..1).
  void update(std::size_t count, double fraction);
  // Clears the line on a terminal; call before printing the result.
  void finish();
  double elapsed_seconds() const;

 private:
  void draw(std::size_t count, double fraction);

  std::string verb_;
  bool enabled_;
  bool terminal_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_ = start_;
  double start_fraction_ = -1;
  bool drawn_ = false;
};

}  // namespace triaged::cli
