#include "mail/mbox.h"

#include <string_view>

namespace triaged::mail {
namespace {

bool is_blank_line(std::string_view line) { return line == "\n" || line == "\r\n" || line.empty(); }

bool is_from_line(std::string_view line) { return line.starts_with("From "); }

// "From sender Mon Dec  7 10:00:00 2026": an envelope line by its asctime date (a time and a
// year), which a body line that happens to start with "From " does not carry.
bool looks_like_envelope(std::string_view line) {
  bool time = false;
  bool year = false;
  for (std::size_t i = 5; i + 4 < line.size() + 1; ++i) {
    const auto digit = [&](std::size_t k) { return k < line.size() && line[k] >= '0' && line[k] <= '9'; };
    if (digit(i) && digit(i + 1) && i + 2 < line.size() && line[i + 2] == ':' && digit(i + 3) && digit(i + 4)) time = true;
    if ((i == 0 || line[i - 1] == ' ') && digit(i) && digit(i + 1) && digit(i + 2) && digit(i + 3) &&
        (i + 4 == line.size() || line[i + 4] == ' ' || line[i + 4] == '\r' || line[i + 4] == '\n') &&
        (line[i] == '1' || line[i] == '2')) {
      year = true;
    }
  }
  return time && year;
}

// ">From " (any number of ">") loses one ">"; any other line is returned as it is.
std::string_view unescaped(std::string_view line) {
  const std::size_t quotes = line.find_first_not_of('>');
  if (quotes == 0 || quotes == std::string_view::npos) return line;
  if (!line.substr(quotes).starts_with("From ")) return line;
  return line.substr(1);
}

}  // namespace

MboxReader::MboxReader(std::istream& in, std::uint64_t start_offset, std::size_t max_bytes)
    : in_(in), position_(start_offset), max_bytes_(max_bytes) {}

bool MboxReader::read_line() {
  if (have_line_) position_ += line_.size();
  line_.clear();
  have_line_ = false;
  if (!std::getline(in_, line_)) return false;
  if (!in_.eof()) line_ += '\n';
  have_line_ = !line_.empty();
  return have_line_;
}

std::optional<MboxMessage> MboxReader::next() {
  // Blocks with nothing but whitespace between two "From " lines are skipped.
  while (have_line_ || read_line()) {
    MboxMessage message;
    message.offset = position_;
    bool started = false;  // past this message's own "From " line or first line
    while (have_line_) {
      const std::string_view line = line_;
      if (is_from_line(line) && (previous_blank_ || looks_like_envelope(line))) {
        if (started) break;  // the next message's separator: left for the next call
        previous_blank_ = false;
        started = true;
        read_line();
        continue;
      }
      started = true;
      const std::string_view content = unescaped(line);
      if (!message.truncated && message.raw.size() + content.size() <= max_bytes_) {
        message.raw.append(content);
      } else if (!message.truncated) {
        message.raw.append(content.substr(0, max_bytes_ - message.raw.size()));
        message.truncated = true;
      }
      previous_blank_ = is_blank_line(line);
      read_line();
    }
    message.end = position_;
    // The blank line before the next "From " belongs to the separator, not to the message.
    if (message.raw.ends_with("\r\n\r\n")) {
      message.raw.resize(message.raw.size() - 2);
    } else if (message.raw.ends_with("\n\n")) {
      message.raw.pop_back();
    }
    if (message.raw.find_first_not_of(" \t\r\n") != std::string::npos) return message;
  }
  return std::nullopt;
}

}  // namespace triaged::mail
