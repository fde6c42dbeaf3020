// The polling thread the outbox senders and the SLA scheduler run on: when it ticks, how
// poke() and stop() cut its wait short; and the retry backoff of the senders.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <thread>

#include "jobs/polling_worker.h"

namespace triaged::testing {
namespace {

using daemon::PollingWorker;
using daemon::retry_delay;
using namespace std::chrono_literals;

// True once `ticks` reaches `n`, false if it does not within 5 s.
bool reaches(const std::atomic<int>& ticks, int n) {
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (ticks.load() < n) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

TEST_CASE("a polling worker ticks at start and again after each poll interval", "[daemon][polling]") {
  std::atomic<int> ticks{0};
  PollingWorker worker(10ms, [&] { ++ticks; });
  worker.start();
  CHECK(reaches(ticks, 3));
}

TEST_CASE("a poked polling worker ticks at once instead of waiting out its interval", "[daemon][polling]") {
  std::atomic<int> ticks{0};
  PollingWorker worker(1h, [&] { ++ticks; });
  worker.start();
  REQUIRE(reaches(ticks, 1));
  worker.poke();
  CHECK(reaches(ticks, 2));
}

TEST_CASE("stopping a polling worker ends its wait at once and joins its thread", "[daemon][polling]") {
  std::atomic<int> ticks{0};
  PollingWorker worker(1h, [&] { ++ticks; });
  worker.start();
  REQUIRE(reaches(ticks, 1));
  const auto started = std::chrono::steady_clock::now();
  worker.stop();
  CHECK(std::chrono::steady_clock::now() - started < 1s);
  CHECK(ticks == 1);
  worker.stop();  // again: nothing left to do
}

TEST_CASE("a tick in progress sees stopping and may give up early", "[daemon][polling]") {
  std::atomic<bool> ticking{false};
  PollingWorker* self = nullptr;
  PollingWorker worker(1h, [&] {
    ticking = true;
    while (!self->stopping()) std::this_thread::sleep_for(1ms);
  });
  self = &worker;
  worker.start();
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!ticking && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(1ms);
  REQUIRE(ticking);
  worker.stop();
  CHECK(worker.stopping());
}

TEST_CASE("a polling worker stopped before it starts never ticks", "[daemon][polling]") {
  std::atomic<int> ticks{0};
  PollingWorker worker(1ms, [&] { ++ticks; });
  worker.stop();
  worker.start();
  worker.stop();
  CHECK(ticks == 0);
}

TEST_CASE("the retry delay doubles from its base after each failure up to its maximum", "[daemon][polling]") {
  using std::chrono::seconds;
  CHECK(retry_delay(seconds{30}, seconds{3600}, 1) == seconds{30});
  CHECK(retry_delay(seconds{30}, seconds{3600}, 2) == seconds{60});
  CHECK(retry_delay(seconds{30}, seconds{3600}, 7) == seconds{1920});
  CHECK(retry_delay(seconds{30}, seconds{3600}, 8) == seconds{3600});
  CHECK(retry_delay(seconds{30}, seconds{3600}, 1000) == seconds{3600});
  CHECK(retry_delay(seconds{0}, seconds{3600}, 5) == seconds{0});
}

}  // namespace
}  // namespace triaged::testing
