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
  const bool fresh = req.header("If-None-Match") == etag;
  Response res;
  res.status = fresh ? 304 : 200;
  res.headers.set("Content-Type", asset.content_type);
  res.headers.set("ETag", etag);
  // Revalidate every time: after an upgrade the browser must not mix old and new scripts.
  res.headers.set("Cache-Control", "no-cache");
  res.headers.set("Content-Security-Policy", kContentSecurityPolicy);
  res.headers.set("X-Content-Type-Options", "nosniff");
  res.headers.set("Referrer-Policy", "no-referrer");
  if (!fresh && req.method == "GET") res.body = asset.body;
  if (!fresh && req.method == "HEAD") res.content_length = std::string_view(asset.body).size();
  return res;
}

}  // namespace

void get_web_asset(const Call& call) {
  const std::string& path = call.path;
  const WebAsset* asset = nullptr;
  if (path == "/") asset = find_asset("index.html");
  else if (path == "/queues") asset = find_asset("queues.html");
  else if (path == "/status") asset = find_asset("status.html");
  else if (path.starts_with(kWebPrefix)) asset = find_asset(std::string_view(path).substr(kWebPrefix.size()));
  if (asset == nullptr) return call.respond(problem_response(not_found("no resource at " + path)));
  call.respond(asset_response(*asset, call.req));
}

}  // namespace triaged::daemon
