#pragma once

#include "app/upstream/upstreamhttp.h"
#include "app/upstream/upstreamrecorder.h"
#include "models/upstream.h"

#include <functional>

namespace sd::upstream {

// Reads a followed page once: summary.json with If-None-Match / If-Modified-Since from the last read, and,
// when incidents or maintenances left the summary since then, incidents.json or scheduled-maintenances.json
// for their final state. `done` runs once, on the caller's thread; nothing is written here.
void readPage(UpstreamHttp &http, const Upstream &upstream,
              const std::function<void(const PageRead &)> &done);

} // namespace sd::upstream
