#include "text_table.h"

#include <algorithm>
#include <cstdio>

namespace triaged::cli {
namespace {

std::size_t chars(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

}  // namespace

std::string render_table(const std::vector<std::vector<std::string>>& rows, int indent) {
  std::size_t columns = 0;
  for (const auto& row : rows) columns = std::max(columns, row.size());
  std::vector<std::size_t> width(columns, 0);
  std::vector<bool> numeric(columns, true);
  for (std::size_t r = 0; r < rows.size(); ++r) {
    for (std::size_t c = 0; c < rows[r].size(); ++c) {
      width[c] = std::max(width[c], chars(rows[r][c]));
      const std::string& cell = rows[r][c];
      if (r > 0 && cell.find_first_not_of("0123456789.%-") != std::string::npos) numeric[c] = false;
    }
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line(static_cast<std::size_t>(std::max(indent, 0)), ' ');
    for (std::size_t c = 0; c < columns; ++c) {
      const std::string cell = c < row.size() ? row[c] : "";
      const std::string pad(width[c] - chars(cell), ' ');
      if (c > 0) line += "  ";
      line += numeric[c] && c > 0 ? pad + cell : cell + pad;
    }
    line.erase(line.find_last_not_of(' ') + 1);
    out += line + "\n";
  }
  return out;
}

std::string percent(long long part, long long whole) {
  if (whole <= 0) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", 100.0 * static_cast<double>(part) / static_cast<double>(whole));
  return buf;
}

}  // namespace triaged::cli
