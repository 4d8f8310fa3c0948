#include "obs/tcmalloc.h"

#include <dlfcn.h>

namespace ac::tcmalloc {
namespace {

template <typename Fn>
Fn lookup(const char* symbol) {
  return reinterpret_cast<Fn>(dlsym(RTLD_DEFAULT, symbol));
}

}  // namespace

std::optional<std::size_t> property(const char* name) {
  using Get = int (*)(const char*, std::size_t*);
  static const Get get = lookup<Get>("MallocExtension_GetNumericProperty");
  std::size_t value = 0;
  if (get == nullptr || !get(name, &value)) return std::nullopt;
  return value;
}

bool set_property(const char* name, std::size_t value) {
  using Set = int (*)(const char*, std::size_t);
  static const Set set = lookup<Set>("MallocExtension_SetNumericProperty");
  return set != nullptr && set(name, value) != 0;
}

}  // namespace ac::tcmalloc
