// What the customer e2e tests (customer_test.cpp, satisfaction_test.cpp) share: reading the
// mail triaged sends customers as the SMTP sink received it (the body with quoted-printable
// undone, since links are longer than a QP line; the status token of a link), and a ticket's
// event kinds as staff see them.
#pragma once

#include <catch2/catch.hpp>

#include <cctype>
#include <regex>
#include <string>
#include <vector>

#include "http_client.h"
#include "smtp_sink.h"

namespace triaged::e2e {

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

// The token of the first link to the status page whose query is `query` ("" for the plain
// status link, "?rate=good" for a survey's good link); fails the test when there is none.
inline std::string token_in(const SmtpMessage& m, const std::string& query = "") {
  const std::regex link(R"(http://127\.0\.0\.1:\d+/status)" + std::regex_replace(query, std::regex(R"([?.])"), R"(\$&)") +
                        R"(#([0-9A-Za-z.\-]+))");
  std::smatch match;
  const std::string body = body_of(m);
  if (!std::regex_search(body, match, link)) FAIL("no status link" << query << " in:\n" << body);
  return match[1].str();
}

inline std::vector<std::string> event_kinds(unsigned short port, const std::string& ref) {
  std::vector<std::string> kinds;
  const boost::json::object ticket = json_of(http_get(port, "/api/v1/tickets/" + ref));
  for (const auto& e : ticket.at("events").as_array()) kinds.emplace_back(e.as_object().at("kind").as_string());
  return kinds;
}

}  // namespace triaged::e2e
