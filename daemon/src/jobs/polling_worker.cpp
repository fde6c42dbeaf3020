#include "jobs/polling_worker.h"

#include <algorithm>
#include <utility>

namespace triaged::daemon {

PollingWorker::PollingWorker(std::chrono::milliseconds poll_interval, std::function<void()> tick)
    : poll_interval_(poll_interval), tick_(std::move(tick)) {}

PollingWorker::~PollingWorker() { stop(); }

void PollingWorker::start() { thread_ = std::thread([this] { run(); }); }

void PollingWorker::poke() {
  {
    std::lock_guard lock(mutex_);
    poked_ = true;
  }
  wake_.notify_one();
}

void PollingWorker::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

bool PollingWorker::stopping() {
  std::lock_guard lock(mutex_);
  return stopping_;
}

void PollingWorker::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    tick_();
    lock.lock();
    wake_.wait_for(lock, poll_interval_, [this] { return stopping_ || poked_; });
    poked_ = false;
  }
}

std::chrono::seconds retry_delay(std::chrono::seconds base, std::chrono::seconds max, int attempts) {
  auto wait = base;
  for (int i = 1; i < attempts && wait < max; ++i) wait *= 2;
  return std::min(wait, max);
}

}  // namespace triaged::daemon
