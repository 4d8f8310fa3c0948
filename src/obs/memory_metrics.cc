#include "obs/memory_metrics.h"

#include <sqlite3.h>

#include <cstdio>

#include "obs/tcmalloc.h"

namespace ac::metrics {
namespace {

void header(std::string& out, const char* name, const char* help) {
  out += std::string("# HELP ") + name + ' ' + help + "\n# TYPE " + name + " gauge\n";
}

void sample(std::string& out, const char* name, const char* labels, double value) {
  char line[160];
  std::snprintf(line, sizeof line, "%s%s %.17g\n", name, labels, value);
  out += line;
}

void gauge(std::string& out, const char* name, const char* help, double value) {
  header(out, name, help);
  sample(out, name, "", value);
}

}  // namespace

void render_memory_metrics(std::string& out) {
  gauge(out, "audible_connect_sqlite_memory_bytes",
        "Bytes SQLite has allocated: page caches and statements of every connection.",
        static_cast<double>(sqlite3_memory_used()));

  const auto allocated = tcmalloc::property("generic.current_allocated_bytes");
  if (!allocated) return;  // not on tcmalloc
  gauge(out, "audible_connect_heap_allocated_bytes", "Bytes of heap the program holds (tcmalloc).",
        static_cast<double>(*allocated));
  if (const auto limit = tcmalloc::property(tcmalloc::kMaxThreadCacheBytes)) {
    gauge(out, "audible_connect_heap_thread_cache_limit_bytes",
          "The bound on the free bytes all threads' tcmalloc caches may hold together.",
          static_cast<double>(*limit));
  }
  static constexpr struct {
    const char* labels;
    const char* property;
  } kFreeCaches[] = {
      {"{cache=\"thread\"}", "tcmalloc.current_total_thread_cache_bytes"},
      {"{cache=\"central\"}", "tcmalloc.central_cache_free_bytes"},
      {"{cache=\"transfer\"}", "tcmalloc.transfer_cache_free_bytes"},
      {"{cache=\"page_heap\"}", "tcmalloc.pageheap_free_bytes"},
  };
  header(out, "audible_connect_heap_free_bytes",
         "Free bytes tcmalloc keeps mapped for reuse, by where they wait.");
  for (const auto& cache : kFreeCaches) {
    if (const auto value = tcmalloc::property(cache.property)) {
      sample(out, "audible_connect_heap_free_bytes", cache.labels, static_cast<double>(*value));
    }
  }
}

}  // namespace ac::metrics
