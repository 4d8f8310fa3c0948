// Bytes per pending state in MemoryStateStore: heap in use before and after filling it.
//   build/release/bench/state_memory [COUNT]

#include <malloc.h>

#include <cstdio>
#include <string>

#include "oauth/memory_state_store.h"

int main(int argc, char** argv) {
  const long count = argc > 1 ? std::stol(argv[1]) : 1'000'000;
  const auto verifier = ac::PkceVerifier::generate();
  const auto before = mallinfo2().uordblks;
  {
    ac::MemoryStateStore store(std::chrono::hours(1));
    for (long i = 0; i < count; ++i) {
      // State text as authorize makes it (43 characters); user ids like "user-000123".
      char state[64];
      std::snprintf(state, sizeof state, "%043ld", i);
      store.put(state, "user-" + std::to_string(i % 100'000), verifier);
    }
    const auto after = mallinfo2().uordblks;
    std::printf("pending states: %ld\nheap in use: %.1f MiB\nbytes per pending state: %.1f\n",
                count, static_cast<double>(after - before) / (1 << 20),
                static_cast<double>(after - before) / static_cast<double>(count));
  }
  return 0;
}
