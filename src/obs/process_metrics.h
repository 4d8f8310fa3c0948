#pragma once

// The process_* metrics that Prometheus's own clients export (resident and virtual memory, CPU
// seconds, open and maximum file descriptors, start time), read from /proc/self when rendered.
// A value Linux does not give is left out rather than reported as 0.
//
// Thread safety: may be called from any thread.

#include <string>

namespace ac::metrics {

// Appends the metrics in the text exposition format.
void render_process_metrics(std::string& out);

}  // namespace ac::metrics
