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

// The body of a composed mail, quoted-printable undone (links are longer than a QP line).
inline std::string body_of(const SmtpMessage& m) {
  std::string body = m.data.substr(m.data.find("\r\n\r\n") + 4), out;
  for (std::size_t i = 0; i < body.size(); ++i) {
    if (body[i] == '=' && i + 2 < body.size() && body[i + 1] == '\r' && body[i + 2] == '\n') {
      i += 2;
    } else if (body[i] == '=' && i + 2 < body.size() && std::isxdigit(static_cast<unsigned char>(body[i + 1]))) {
      out += static_cast<char>(std::stoi(body.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += body[i];
    }
  }
  return out;
}

inline std::string token_in(const SmtpMessage& m) {
  static const std::regex kLink(R"(http://127\.0\.0\.1:\d+/status#([0-9A-Za-z.\-]+))");
  std::smatch match;
  const std::string body = body_of(m);
  if (!std::regex_search(body, match, kLink)) FAIL("no status link in:\n" << body);
  return match[1].str();
}

inline std::vector<std::string> event_kinds(unsigned short port, const std::string& ref) {
  std::vector<std::string> kinds;
  const json::object ticket = json_of(http_get(port, "/api/v1/tickets/" + ref));
  for (const auto& e : ticket.at("events").as_array())
    kinds.emplace_back(e.as_object().at("kind").as_string());
  return kinds;
}

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
