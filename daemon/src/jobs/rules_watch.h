// Watches one rule file with inotify and calls back when it was written or replaced. Editors
// and deploy tools replace files by rename, so the watch is on the folder, filtered by name;
// a burst of events (write, then rename) becomes one call after a short quiet period.
#pragma once

#include <atomic>
#include <chrono>
#include <expected>
#include <functional>
#include <memory>
#include <string>
#include <thread>

namespace triaged::daemon {

class RulesWatch {
 public:
  // Starts watching `path`; fails with the reason if inotify or the folder is unavailable.
  static std::expected<std::unique_ptr<RulesWatch>, std::string> start(const std::string& path,
                                                                       std::function<void()> changed);
  ~RulesWatch();  // stops and joins
  RulesWatch(const RulesWatch&) = delete;
  RulesWatch& operator=(const RulesWatch&) = delete;

 private:
  RulesWatch(int fd, std::string name, std::function<void()> changed);
  void run();

  const int fd_;
  const std::string name_;
  const std::function<void()> changed_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace triaged::daemon
