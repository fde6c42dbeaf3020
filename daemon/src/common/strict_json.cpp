#include "common/strict_json.h"

#include <boost/json/basic_parser_impl.hpp>

#include <set>
#include <string>
#include <vector>

namespace triaged::daemon {
namespace {

namespace json = boost::json;
using ec_t = boost::system::error_code;

// Keeps the member path and each open object's member names; stops at the first problem.
struct StrictHandler {
  static constexpr std::size_t max_object_size = std::size_t(-1);
  static constexpr std::size_t max_array_size = std::size_t(-1);
  static constexpr std::size_t max_key_size = std::size_t(-1);
  static constexpr std::size_t max_string_size = std::size_t(-1);

  struct Frame {
    bool object = false;
    std::set<std::string> keys;
    std::string key;  // the member whose value comes next
  };
  std::vector<Frame> frames;
  std::string key_part;
  bool string_has_nul = false;
  std::optional<FieldError> problem;

  std::string path(std::string_view last = {}) const {
    std::string out;
    for (const Frame& f : frames)
      if (f.object && !f.key.empty()) out += (out.empty() ? "" : ".") + f.key;
    if (!last.empty()) out += (out.empty() ? "" : ".") + std::string(last);
    return out;
  }
  bool stop(FieldError e, ec_t& ec) {
    problem = std::move(e);
    ec = json::error::syntax;  // any error: the parse ends here
    return false;
  }
  bool begin(bool object) {
    frames.push_back({object, {}, {}});
    return true;
  }

  bool on_document_begin(ec_t&) { return true; }
  bool on_document_end(ec_t&) { return true; }
  bool on_object_begin(ec_t&) { return begin(true); }
  bool on_object_end(std::size_t, ec_t&) { frames.pop_back(); return true; }
  bool on_array_begin(ec_t&) { return begin(false); }
  bool on_array_end(std::size_t, ec_t&) { frames.pop_back(); return true; }
  bool on_key_part(json::string_view s, std::size_t, ec_t&) { key_part.append(s.data(), s.size()); return true; }
  bool on_key(json::string_view s, std::size_t, ec_t& ec) {
    key_part.append(s.data(), s.size());
    std::string key = std::move(key_part);
    key_part.clear();
    Frame& f = frames.back();
    if (key.find('\0') != std::string::npos)
      return stop({path(), "invalid", "a member name contains a NUL character"}, ec);
    f.key.clear();  // the path names the repeated member once, under its object
    if (!f.keys.insert(key).second)
      return stop({path(key), "duplicate", "the member \"" + key + "\" appears more than once"}, ec);
    f.key = std::move(key);
    return true;
  }
  bool on_string_part(json::string_view s, std::size_t, ec_t&) {
    string_has_nul = string_has_nul || s.find('\0') != json::string_view::npos;
    return true;
  }
  bool on_string(json::string_view s, std::size_t, ec_t& ec) {
    const bool nul = string_has_nul || s.find('\0') != json::string_view::npos;
    string_has_nul = false;
    if (nul) return stop({path(), "invalid", "contains a NUL character"}, ec);
    return true;
  }
  bool on_number_part(json::string_view, ec_t&) { return true; }
  bool on_int64(std::int64_t, json::string_view, ec_t&) { return true; }
  bool on_uint64(std::uint64_t, json::string_view, ec_t&) { return true; }
  bool on_double(double, json::string_view, ec_t&) { return true; }
  bool on_bool(bool, ec_t&) { return true; }
  bool on_null(ec_t&) { return true; }
  bool on_comment_part(json::string_view, ec_t&) { return true; }
  bool on_comment(json::string_view, ec_t&) { return true; }
};

}  // namespace

std::optional<FieldError> strict_json_problem(std::string_view text) {
  json::basic_parser<StrictHandler> parser{json::parse_options{}};
  ec_t ec;
  parser.write_some(false, text.data(), text.size(), ec);
  return parser.handler().problem;
}

}  // namespace triaged::daemon
