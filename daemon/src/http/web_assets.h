// The intake form (/) and the queue board (/queues): static pages embedded in the binary at
// build time from daemon/web (daemon/embed_web.cmake). They talk to the API like any client.
#pragma once

#include <cstddef>
#include <string>

#include "http/api.h"

namespace triaged::daemon {

struct WebAsset {
  const char* name;          // file name in daemon/web: "intake.js"
  const char* content_type;
  const char* body;
};
extern const WebAsset kWebAssets[];  // generated: embedded_web.cpp
extern const std::size_t kWebAssetCount;

// Answers `req` if `path` is "/" (index.html), "/queues" (queues.html) or "/web/NAME" for an
// embedded file and returns true; false otherwise. GET and HEAD only (405 otherwise). Pages
// carry a strict Content-Security-Policy (only this origin's scripts, no inline code) and an
// ETag, so a browser revalidates cheaply (304) and always gets the build's current pages.
bool handle_web_request(const Request& req, const std::string& path, const Api::Respond& respond);

}  // namespace triaged::daemon
