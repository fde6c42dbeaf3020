// The request and response every endpoint sees: plain structs, no socket and no HTTP library.
// The HTTP server (http_server.cpp) is the one place that turns the wire's messages into these
// and back, so the endpoints, the request gate and their tests never parse Boost.Beast.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace triaged::daemon {

// Header fields in the order they were added. Names compare case-insensitively (RFC 9110).
class Headers {
 public:
  // The first value of `name`; "" when absent.
  std::string_view get(std::string_view name) const;
  bool has(std::string_view name) const;
  // Replaces every field named `name` with one, at the end.
  void set(std::string_view name, std::string value);
  // Appends a field, keeping any of the same name (as a request may carry them).
  void add(std::string_view name, std::string value);

  using Field = std::pair<std::string, std::string>;
  std::vector<Field>::const_iterator begin() const { return fields_.begin(); }
  std::vector<Field>::const_iterator end() const { return fields_.end(); }

 private:
  std::vector<Field> fields_;
};

struct Request {
  // As HTTP names it: "GET", "POST", "PROPFIND"; "other" for a method no HTTP standard defines,
  // so that logs and metric labels never carry a name a client made up.
  std::string method = "GET";
  std::string target = "/";  // path and query, as sent: "/api/v1/tickets?limit=5"
  Headers headers;
  std::string body;
  bool keep_alive = true;  // the client will send another request on this connection

  std::string_view header(std::string_view name) const { return headers.get(name); }
};

struct Response {
  unsigned status = 200;
  Headers headers;  // Content-Length and Connection are the server's: it sets them on the way out
  std::string body;
  // false: the server closes the connection after this answer, whatever the client asked.
  bool keep_alive = true;
  // A HEAD answer's Content-Length: the length its GET's body would have; the body stays empty.
  std::optional<std::size_t> content_length;

  std::string_view header(std::string_view name) const { return headers.get(name); }
};

}  // namespace triaged::daemon
