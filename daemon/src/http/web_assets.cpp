#include "http/web_assets.h"

#include <cstdint>
#include <cstdio>
#include <string_view>

#include "http/http_responses.h"

namespace triaged::daemon {
namespace {

constexpr std::string_view kWebPrefix = "/web/";

// Scripts and styles come from files of this origin only: nothing a ticket's text could
// smuggle into the page would run, even if a renderer bug let it in as markup.
constexpr const char* kContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

const WebAsset* find_asset(std::string_view name) {
  for (std::size_t i = 0; i < kWebAssetCount; ++i)
    if (name == kWebAssets[i].name) return &kWebAssets[i];
  return nullptr;
}

// FNV-1a of the body: the pages only change with the binary, so this never goes stale.
std::string etag_of(std::string_view body) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : body) h = (h ^ c) * 1099511628211ull;
  char buf[24];
  std::snprintf(buf, sizeof buf, "\"%016llx\"", static_cast<unsigned long long>(h));
  return buf;
}

Response asset_response(const WebAsset& asset, const Request& req) {
  const std::string etag = etag_of(asset.body);
  const bool fresh = req[http::field::if_none_match] == etag;
  Response res{fresh ? http::status::not_modified : http::status::ok, req.version()};
  res.set(http::field::content_type, asset.content_type);
  res.set(http::field::etag, etag);
  // Revalidate every time: after an upgrade the browser must not mix old and new scripts.
  res.set(http::field::cache_control, "no-cache");
  res.set("Content-Security-Policy", kContentSecurityPolicy);
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Referrer-Policy", "no-referrer");
  res.keep_alive(req.keep_alive());
  if (!fresh && req.method() == http::verb::get) res.body() = asset.body;
  res.prepare_payload();
  if (!fresh && req.method() == http::verb::head) res.content_length(std::string_view(asset.body).size());
  return res;
}

}  // namespace

bool handle_web_request(const Request& req, const std::string& path, const Api::Respond& respond) {
  const WebAsset* asset = nullptr;
  if (path == "/") asset = find_asset("index.html");
  else if (path == "/queues") asset = find_asset("queues.html");
  else if (path.starts_with(kWebPrefix)) asset = find_asset(std::string_view(path).substr(kWebPrefix.size()));
  if (asset == nullptr) return false;
  if (req.method() != http::verb::get && req.method() != http::verb::head) {
    respond(not_allowed_response("GET, HEAD", req));
    return true;
  }
  respond(asset_response(*asset, req));
  return true;
}

}  // namespace triaged::daemon
