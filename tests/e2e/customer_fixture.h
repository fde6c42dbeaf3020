// What the e2e tests of the customer's side share (customer_test.cpp, web_hold_test.cpp): a
// daemon with the test rules, English acknowledgements, an SMTP sink and a known status secret,
// and reading the status link and the ticket's events back.
#pragma once

#include <catch2/catch.hpp>

#include <algorithm>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "customer_e2e.h"
#include "daemon_process.h"
#include "http_client.h"
#include "smtp_sink.h"
#include "../daemon/test_rules.h"

namespace triaged::e2e {

namespace json = boost::json;
using triaged::testing::kDeliveryJson;
using triaged::testing::kTestRules;

// English texts keep the subject plain ASCII for the checks below.
inline const std::string kRules = std::string(kTestRules) + "acknowledgement: { language: en }\n";
inline const std::string kSecret = "e2e-status-secret-0123456789abcdef";

inline std::string str(const json::value& v) { return std::string(v.as_string()); }

inline bool has(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

struct Customer {
  explicit Customer(SmtpSink& sink, std::vector<std::string> extra = {})
      : daemon(dir, dir.write("rules.yaml", kRules), with(sink, std::move(extra))) {}
  std::vector<std::string> with(SmtpSink& sink, std::vector<std::string> extra) {
    std::vector<std::string> args{"--smtp-url", sink.url(), "--mail-from", "support@shop.example",
                                  "--status-secret-file", dir.write("secret", kSecret)};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }
  unsigned short port() const { return daemon.port(); }
  TempDir dir;
  DaemonProcess daemon;
};

}  // namespace triaged::e2e
