#include "jobs/rule_set_follower.h"

#include <spdlog/spdlog.h>

namespace triaged::daemon {
namespace {

// How long one wait on the feed lasts: the longest a stop waits for the thread.
constexpr std::chrono::milliseconds kWaitSlice{250};
// After a failed wait (database unreachable): the pause before the feed tries to reconnect.
constexpr std::chrono::seconds kReconnectPause{1};

}  // namespace

std::unique_ptr<RuleSetFollower> RuleSetFollower::start(storage::RuleSetFeed& feed,
                                                        std::chrono::milliseconds poll_interval,
                                                        std::function<void()> check) {
  std::unique_ptr<RuleSetFollower> follower(new RuleSetFollower(feed, poll_interval, std::move(check)));
  follower->thread_ = std::thread([f = follower.get()] { f->run(); });
  return follower;
}

RuleSetFollower::RuleSetFollower(storage::RuleSetFeed& feed, std::chrono::milliseconds poll_interval,
                                 std::function<void()> check)
    : feed_(feed), poll_interval_(poll_interval), check_(std::move(check)) {}

RuleSetFollower::~RuleSetFollower() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

void RuleSetFollower::run() {
  using Clock = std::chrono::steady_clock;
  auto next_poll = Clock::now() + poll_interval_;
  bool lost = false;
  while (!stopping_) {
    auto heard = feed_.wait(kWaitSlice);
    if (!heard) {
      if (!lost) spdlog::error("rule-set announcements: {}; polling every {} s until it is back", heard.error().message,
                               std::chrono::duration_cast<std::chrono::seconds>(poll_interval_).count());
      lost = true;
      for (auto until = Clock::now() + kReconnectPause; !stopping_ && Clock::now() < until;)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    } else if (lost && *heard) {
      spdlog::info("rule-set announcements: listening again");
      lost = false;
    }
    const bool due = Clock::now() >= next_poll;
    if (stopping_ || !(heard.value_or(false) || due)) continue;
    next_poll = Clock::now() + poll_interval_;
    check_();
  }
}

}  // namespace triaged::daemon
