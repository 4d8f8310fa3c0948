#pragma once

// tcmalloc's numeric properties (gperftools/malloc_extension_c.h), found at run time so that
// only the binary links tcmalloc: in a process on another allocator (sanitizer builds, the
// tests) there are none.
//
// Thread safety: may be called from any thread.

#include <cstddef>
#include <optional>

namespace ac::tcmalloc {

// The property's value; nullopt when the process is not on tcmalloc or it has no such property.
std::optional<std::size_t> property(const char* name);

// Sets it; false when the process is not on tcmalloc or it refused.
bool set_property(const char* name, std::size_t value);

// The bound on the free memory all threads' caches may hold together.
inline constexpr const char* kMaxThreadCacheBytes = "tcmalloc.max_total_thread_cache_bytes";

}  // namespace ac::tcmalloc
