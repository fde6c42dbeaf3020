// Follows the rule set the nodes of a shared database serve (storage/rule_set_feed.h): a thread
// that waits for the feed's announcements and calls `check` on each, after the feed's
// connection was (re)opened, and every poll interval besides, so an announcement lost in a
// reconnect is caught by the next poll at the latest. `check` reads the active set and decides;
// this class only says when. Logs once when the feed's connection is lost and once when it is
// back. Thread-safe: the destructor may run on any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <thread>

#include "storage/rule_set_feed.h"

namespace triaged::daemon {

class RuleSetFollower {
 public:
  // `feed` and `check` must outlive the follower. The first check comes at once (the feed
  // opens its connection), so a set published while the node was starting is not missed.
  static std::unique_ptr<RuleSetFollower> start(storage::RuleSetFeed& feed, std::chrono::milliseconds poll_interval,
                                                std::function<void()> check);
  ~RuleSetFollower();  // stops and joins; a check in progress finishes first
  RuleSetFollower(const RuleSetFollower&) = delete;
  RuleSetFollower& operator=(const RuleSetFollower&) = delete;

 private:
  RuleSetFollower(storage::RuleSetFeed& feed, std::chrono::milliseconds poll_interval, std::function<void()> check);
  void run();

  // Fixed at construction.
  storage::RuleSetFeed& feed_;
  const std::chrono::milliseconds poll_interval_;
  const std::function<void()> check_;

  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace triaged::daemon
