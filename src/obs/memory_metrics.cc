#include "obs/memory_metrics.h"

#include <dlfcn.h>
#include <sqlite3.h>

#include <cstddef>
#include <cstdio>

namespace ac::metrics {
namespace {

// gperftools' C entry point (gperftools/malloc_extension_c.h): 1 when it knows the property.
using GetNumericProperty = int (*)(const char* property, std::size_t* value);

GetNumericProperty tcmalloc_property() {
  static const auto fn = reinterpret_cast<GetNumericProperty>(
      dlsym(RTLD_DEFAULT, "MallocExtension_GetNumericProperty"));
  return fn;
}

void sample(std::string& out, const char* name, const char* labels, double value) {
  char line[160];
  std::snprintf(line, sizeof line, "%s%s %.17g\n", name, labels, value);
  out += line;
}

void header(std::string& out, const char* name, const char* help) {
  out += std::string("# HELP ") + name + ' ' + help + "\n# TYPE " + name + " gauge\n";
}

}  // namespace

void render_memory_metrics(std::string& out) {
  header(out, "audible_connect_sqlite_memory_bytes",
         "Bytes SQLite has allocated: page caches and statements of every connection.");
  sample(out, "audible_connect_sqlite_memory_bytes", "",
         static_cast<double>(sqlite3_memory_used()));

  const GetNumericProperty property = tcmalloc_property();
  if (property == nullptr) return;
  std::size_t value = 0;
  if (property("generic.current_allocated_bytes", &value)) {
    header(out, "audible_connect_heap_allocated_bytes",
           "Bytes of heap the program holds (tcmalloc).");
    sample(out, "audible_connect_heap_allocated_bytes", "", static_cast<double>(value));
  }
  static constexpr struct {
    const char* label;
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
    if (property(cache.property, &value)) {
      sample(out, "audible_connect_heap_free_bytes", cache.label, static_cast<double>(value));
    }
  }
}

}  // namespace ac::metrics
