#include "common/problem.h"

#include <boost/json/array.hpp>

#include "common/utf8.h"

namespace triaged::daemon {

// Problems quote what the client sent (a path, a query key), which need not be UTF-8.
boost::json::object Problem::to_json() const {
  boost::json::object o;
  o["type"] = "urn:triaged:problem:" + type;
  o["title"] = title;
  o["status"] = status;
  if (!detail.empty()) o["detail"] = as_utf8(detail);
  boost::json::array list;
  for (const auto& e : errors)
    list.push_back({{"field", as_utf8(e.field)}, {"code", e.code}, {"message", as_utf8(e.message)}});
  o["errors"] = std::move(list);
  for (const auto& [k, v] : extra) o[k] = v;
  return o;
}

Problem bad_request(std::string detail, std::vector<FieldError> errors) {
  return {400, "bad-request", "Bad request", std::move(detail), std::move(errors), {}};
}

Problem validation_failed(std::string detail, std::vector<FieldError> errors) {
  return {422, "validation", "The ticket is not complete or not valid", std::move(detail), std::move(errors), {}};
}

Problem not_found(std::string what) { return {404, "not-found", "Not found", std::move(what), {}, {}}; }

Problem method_not_allowed(std::string allowed) {
  return {405, "method-not-allowed", "Method not allowed", "allowed: " + allowed, {}, {}};
}

Problem payload_too_large(std::size_t limit) {
  return {413, "payload-too-large", "Payload too large",
          "the request body exceeds the limit of " + std::to_string(limit) + " bytes", {}, {}};
}

Problem unsupported_media_type(std::string got, std::string expected) {
  return {415, "unsupported-media-type", "Unsupported media type",
          "Content-Type \"" + got + "\" is not accepted here; send " + expected, {}, {}};
}

Problem service_unavailable(std::string detail) {
  return {503, "unavailable", "Service unavailable", std::move(detail), {}, {}};
}

Problem internal_error(std::string detail) {
  return {500, "internal", "Internal error", std::move(detail), {}, {}};
}

}  // namespace triaged::daemon
