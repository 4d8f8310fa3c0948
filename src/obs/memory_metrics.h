#pragma once

// Where the process's memory goes, for telling a leak from a cache filling up: the bytes the
// program holds on the heap, the free bytes the allocator keeps mapped (tcmalloc's per-thread,
// central and transfer caches and its page heap), and SQLite's own allocations (the page caches
// of the pooled connections, their prepared statements). The allocator's figures are only there
// when the process runs on tcmalloc (the release build; sanitizer builds keep their own
// allocator), found at run time so that nothing else has to link it.
//
// Thread safety: may be called from any thread.

#include <string>

namespace ac::metrics {

// Appends the metrics in the text exposition format.
void render_memory_metrics(std::string& out);

}  // namespace ac::metrics
