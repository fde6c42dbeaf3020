// Plain-text tables for the command line's reports: columns padded to their widest cell
// (counted in characters, so Cyrillic ids line up), numbers right-aligned.
#pragma once

#include <string>
#include <vector>

namespace triaged::cli {

// rows[0] is the header. A column after the first is right-aligned when every body cell in
// it is a number ("12", "4.5%", "." or "-" for none); others are left-aligned. Each line is indented by `indent`
// spaces and ends with '\n'; trailing spaces are trimmed.
std::string render_table(const std::vector<std::vector<std::string>>& rows, int indent = 2);

// "12.5%" of part in whole, one decimal; "-" when whole is 0.
std::string percent(long long part, long long whole);

}  // namespace triaged::cli
