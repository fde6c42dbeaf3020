// A background thread for the outbox senders and the SLA scheduler: it calls a tick once at
// start(), then again each poll interval, or at once when poke()d, until stop(). Thread-safe:
// poke(), stop() and stopping() may be called from any thread; tick runs only on the worker's
// own thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace triaged::daemon {

class PollingWorker {
 public:
  // `tick` must outlive the worker; it may call stopping() to cut a long pass short.
  PollingWorker(std::chrono::milliseconds poll_interval, std::function<void()> tick);
  ~PollingWorker();  // stops
  PollingWorker(const PollingWorker&) = delete;
  PollingWorker& operator=(const PollingWorker&) = delete;

  // REQUIRES: called at most once. A worker stopped before it started never ticks.
  void start();
  // Wakes the thread now instead of at the next poll (after something was queued). A poke
  // during a tick makes the next tick follow at once.
  void poke();
  // Returns once the thread has ended: a tick in progress finishes first. Idempotent.
  void stop();
  // True from the first stop() on.
  bool stopping();

 private:
  void run();

  // Fixed at construction
  const std::chrono::milliseconds poll_interval_;
  const std::function<void()> tick_;

  std::mutex mutex_;
  std::condition_variable wake_;
  // Guarded by mutex_
  bool stopping_ = false;
  bool poked_ = false;

  std::thread thread_;
};

// The wait before the next attempt after `attempts` failed ones (1 or more): `base`, doubled
// for each failure after the first, at most `max`.
std::chrono::seconds retry_delay(std::chrono::seconds base, std::chrono::seconds max, int attempts);

}  // namespace triaged::daemon
