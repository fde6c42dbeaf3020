// Mail for the email path's tests: the test rules with an `extract` for the order number, so
// a mail's text can complete a ticket, and a plain-text message builder.
#pragma once

#include <string>

#include "test_rules.h"

namespace triaged::testing {

inline const std::string kMailRules = replace_once(kTestRules, "    pattern: '^\\d{8}$'\n",
                                                   "    pattern: '^\\d{8}$'\n    extract: '(?i:order)\\D{0,12}(\\d{8})'\n");

// A text/plain message with a fresh Message-ID.
inline std::string mail(const std::string& from, const std::string& subject, const std::string& body,
                        const std::string& extra_headers = "") {
  static int counter = 0;
  return "From: " + from + "\r\nTo: support@shop.example\r\nSubject: " + subject + "\r\nMessage-ID: <n" +
         std::to_string(++counter) + "@example.com>\r\n" + extra_headers +
         "Content-Type: text/plain; charset=utf-8\r\n\r\n" + body + "\r\n";
}

}  // namespace triaged::testing
