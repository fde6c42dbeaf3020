#include "mail_source.h"

#include <algorithm>
#include <filesystem>
#include <sstream>

namespace triaged::cli {
namespace fs = std::filesystem;

std::expected<MailSource, std::string> MailSource::mbox(const std::string& path, std::uint64_t start_offset) {
  MailSource s;
  s.mbox_path_ = path;
  s.in_ = std::make_unique<std::ifstream>(path, std::ios::binary);
  if (!*s.in_) return std::unexpected(path + ": cannot open");
  std::error_code ec;
  s.mbox_size_ = fs::file_size(path, ec);
  if (start_offset > s.mbox_size_) return std::unexpected(path + ": resume offset beyond the end of the file");
  s.in_->seekg(static_cast<std::streamoff>(start_offset));
  s.mbox_position_ = start_offset;
  s.mbox_ = std::make_unique<mail::MboxReader>(*s.in_, start_offset);
  return s;
}

std::expected<MailSource, std::string> MailSource::files(const std::vector<std::string>& paths, const std::string& after) {
  MailSource s;
  for (const auto& path : paths) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      std::vector<std::string> found;
      for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::recursive_directory_iterator();
           it.increment(ec))
        if (it->is_regular_file(ec)) found.push_back(it->path().string());
      if (ec) return std::unexpected(path + ": " + ec.message());
      std::sort(found.begin(), found.end());
      s.files_.insert(s.files_.end(), found.begin(), found.end());
    } else if (fs::is_regular_file(path, ec)) {
      s.files_.push_back(path);
    } else {
      return std::unexpected(path + ": no such file or directory");
    }
  }
  if (!after.empty()) {
    const auto it = std::find(s.files_.begin(), s.files_.end(), after);
    if (it != s.files_.end()) s.next_file_ = static_cast<std::size_t>(it - s.files_.begin()) + 1;
  }
  return s;
}

std::expected<MailSource, std::string> MailSource::detect(const std::vector<std::string>& paths) {
  std::error_code ec;
  if (paths.size() == 1 && fs::is_regular_file(paths[0], ec)) {
    std::ifstream in(paths[0], std::ios::binary);
    char head[5] = {};
    in.read(head, 5);
    if (paths[0].ends_with(".mbox") || std::string(head, static_cast<std::size_t>(in.gcount())) == "From ")
      return mbox(paths[0]);
  }
  return files(paths);
}

std::optional<SourceMessage> MailSource::next() {
  if (mbox_) {
    auto m = mbox_->next();
    if (!m) return std::nullopt;
    mbox_position_ = m->end;
    return SourceMessage{std::move(m->raw), mbox_path_ + "@" + std::to_string(m->offset), std::to_string(m->end),
                         m->truncated};
  }
  while (next_file_ < files_.size()) {
    const std::string& path = files_[next_file_++];
    std::ifstream in(path, std::ios::binary);
    std::ostringstream raw;
    raw << in.rdbuf();
    if (!in) continue;  // vanished or unreadable since the walk: nothing to read
    return SourceMessage{raw.str(), path, path, false};
  }
  return std::nullopt;
}

double MailSource::done_fraction() const {
  if (mbox_) return mbox_size_ == 0 ? 1.0 : static_cast<double>(mbox_position_) / static_cast<double>(mbox_size_);
  return files_.empty() ? 1.0 : static_cast<double>(next_file_) / static_cast<double>(files_.size());
}

}  // namespace triaged::cli
