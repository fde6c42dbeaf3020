#include "progress.h"

#include <unistd.h>

#include <cstdio>

namespace triaged::cli {

Progress::Progress(std::string verb, bool enabled)
    : verb_(std::move(verb)), enabled_(enabled), terminal_(::isatty(STDERR_FILENO) == 1) {}

double Progress::elapsed_seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void Progress::update(std::size_t count, double fraction) {
  if (start_fraction_ < 0) start_fraction_ = fraction;  // a resumed run starts part way
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_ < (terminal_ ? std::chrono::milliseconds(200) : std::chrono::milliseconds(30000))) return;
  last_ = now;
  draw(count, fraction);
}

void Progress::draw(std::size_t count, double fraction) {
  const double seconds = elapsed_seconds();
  const double rate = seconds > 0 ? static_cast<double>(count) / seconds : 0;
  const double done_here = fraction - start_fraction_;
  std::string eta = "?";
  if (done_here > 0 && fraction < 1) {
    const long left = static_cast<long>(seconds * (1 - fraction) / done_here);
    eta = std::to_string(left / 60) + "m" + (left % 60 < 10 ? "0" : "") + std::to_string(left % 60) + "s";
  }
  std::fprintf(stderr, "%s%s %zu messages  %3.0f%%  %.0f/s  ETA %s%s", terminal_ ? "\r" : "", verb_.c_str(), count,
               fraction * 100, rate, eta.c_str(), terminal_ ? "\033[K" : "\n");
  std::fflush(stderr);
  drawn_ = true;
}

void Progress::finish() {
  if (enabled_ && terminal_ && drawn_) std::fprintf(stderr, "\r\033[K");
}

}  // namespace triaged::cli
