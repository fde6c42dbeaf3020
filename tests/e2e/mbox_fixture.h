// An mbox for the bulk mail tests: every fixture of tests/mail/testdata, then kGenerated new
// reports (each from its own customer, with an order number) and a reply to each of them.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "daemon_process.h"

namespace triaged::e2e {

inline const fs::path kFixtures = fs::path(TRIAGED_SOURCE_DIR) / "tests/mail/testdata";
constexpr int kGenerated = 30;  // new reports, and as many replies to them

struct Mbox {
  std::string path;
  std::vector<std::uint64_t> offsets;  // where each message's "From " line starts
  std::size_t size = 0;
};

// One message as an mbox writer stores it: the envelope line, body lines that begin "From "
// quoted as ">From ", and a blank line after.
inline void append_message(std::string& mbox, std::vector<std::uint64_t>& offsets, const std::string& raw) {
  offsets.push_back(mbox.size());
  mbox += "From import@test.example Mon Dec  7 10:00:00 2026\n";
  std::size_t start = 0;
  while (start < raw.size()) {
    auto end = raw.find('\n', start);
    end = end == std::string::npos ? raw.size() : end + 1;
    const std::string_view line(raw.data() + start, end - start);
    if (line.starts_with("From ")) mbox += '>';
    mbox += line;
    start = end;
  }
  if (!mbox.ends_with('\n')) mbox += '\n';
  mbox += '\n';
}

inline std::string generated(int n, bool reply) {
  const std::string id = std::to_string(n);
  return "From: Customer " + id + " <customer" + id + "@example.com>\nTo: support@shop.example\n" +
         "Subject: " + (reply ? "Re: " : "") + "Order " + std::to_string(40000000 + n) + " is late\n" +
         "Message-ID: <" + (reply ? "reply-" : "gen-") + id + "@example.com>\n" +
         (reply ? "In-Reply-To: <gen-" + id + "@example.com>\n" : "") +
         "Content-Type: text/plain; charset=utf-8\n\n" +
         (reply ? "Any news? My phone is +7 916 204-37-" + std::to_string(10 + n) + ".\n"
                : "The courier never came with order " + std::to_string(40000000 + n) + ".\n");
}

inline Mbox make_mbox(const TempDir& dir) {
  Mbox out;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(kFixtures)) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  std::string mbox;
  for (const auto& f : files) append_message(mbox, out.offsets, read_file(f));
  for (int n = 0; n < kGenerated; ++n) append_message(mbox, out.offsets, generated(n, false));
  for (int n = 0; n < kGenerated; ++n) append_message(mbox, out.offsets, generated(n, true));
  out.path = dir.write("backlog.mbox", mbox);
  out.size = mbox.size();
  return out;
}

}  // namespace triaged::e2e
