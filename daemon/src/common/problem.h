// RFC 9457 problem details: every error the API answers is one of these, with a
// machine-readable `errors` list of {field, code, message}.
#pragma once

#include <boost/json/object.hpp>

#include <string>
#include <vector>

namespace triaged::daemon {

struct FieldError {
  std::string field;
  std::string code;     // missing | invalid | unknown | type | too_long | conflict | malformed | duplicate
  std::string message;
};

struct Problem {
  unsigned status = 400;
  std::string type;     // short slug, rendered as "urn:triaged:problem:<type>"
  std::string title;
  std::string detail;
  std::vector<FieldError> errors;
  boost::json::object extra;  // extension members (e.g. the decision behind a 422)

  boost::json::object to_json() const;
};

Problem bad_request(std::string detail, std::vector<FieldError> errors = {});
Problem validation_failed(std::string detail, std::vector<FieldError> errors);
Problem not_found(std::string what);
Problem method_not_allowed(std::string allowed);
Problem payload_too_large(std::size_t limit);
Problem unsupported_media_type(std::string got, std::string expected);
Problem service_unavailable(std::string detail);
Problem internal_error(std::string detail);

}  // namespace triaged::daemon
