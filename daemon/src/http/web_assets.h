// The intake form (/) and the queue board (/queues): static pages embedded in the binary at
// build time from daemon/web (daemon/embed_web.cmake). They talk to the API like any client.
#pragma once

#include <cstddef>

#include "http/routes.h"

namespace triaged::daemon {

struct WebAsset {
  const char* name;          // file name in daemon/web: "intake.js"
  const char* content_type;
  const char* body;
};
extern const WebAsset kWebAssets[];  // generated: embedded_web.cpp
extern const std::size_t kWebAssetCount;

// GET or HEAD "/" (index.html), "/queues" (queues.html), "/status" (status.html, the
// customer's page) or "/web/NAME" for an embedded file;
// 404 for a name not embedded. Rows of the route table (routes.cpp). Pages carry a strict
// Content-Security-Policy (only this origin's scripts, no inline code) and an ETag, so a
// browser revalidates cheaply (304) and always gets the build's current pages.
void get_web_asset(const Call& call);

}  // namespace triaged::daemon
