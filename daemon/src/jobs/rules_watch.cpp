#include "jobs/rules_watch.h"

#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace triaged::daemon {
namespace {

// Long enough to see a write and the rename that follows it as one change, short enough
// that an admin saving the file sees the reload at once.
constexpr int kQuietMs = 200;
// How often the thread looks at stopping_ while nothing happens.
constexpr int kPollMs = 100;

}  // namespace

std::expected<std::unique_ptr<RulesWatch>, std::string> RulesWatch::start(const std::string& path,
                                                                          std::function<void()> changed) {
  const std::filesystem::path file = std::filesystem::absolute(path);
  const int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) return std::unexpected(std::string("inotify: ") + std::strerror(errno));
  const std::string folder = file.parent_path().string();
  if (inotify_add_watch(fd, folder.c_str(), IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE) < 0) {
    const std::string why = std::strerror(errno);
    ::close(fd);
    return std::unexpected("cannot watch " + folder + ": " + why);
  }
  std::unique_ptr<RulesWatch> watch(new RulesWatch(fd, file.filename().string(), std::move(changed)));
  watch->thread_ = std::thread([w = watch.get()] { w->run(); });
  return watch;
}

RulesWatch::RulesWatch(int fd, std::string name, std::function<void()> changed)
    : fd_(fd), name_(std::move(name)), changed_(std::move(changed)) {}

RulesWatch::~RulesWatch() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
  ::close(fd_);
}

void RulesWatch::run() {
  alignas(inotify_event) char buffer[8192];
  bool pending = false;
  while (!stopping_) {
    pollfd p{fd_, POLLIN, 0};
    const int ready = ::poll(&p, 1, pending ? kQuietMs : kPollMs);
    if (ready == 0) {
      if (pending) {
        pending = false;
        changed_();
      }
      continue;
    }
    if (ready < 0) continue;  // EINTR
    for (;;) {
      const ssize_t n = ::read(fd_, buffer, sizeof buffer);
      if (n <= 0) break;
      for (ssize_t at = 0; at < n;) {
        const auto* event = reinterpret_cast<const inotify_event*>(buffer + at);
        if (event->len > 0 && name_ == event->name) pending = true;
        at += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
      }
    }
  }
}

}  // namespace triaged::daemon
