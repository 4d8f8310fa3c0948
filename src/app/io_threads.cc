#include "app/io_threads.h"

#include <sched.h>

#include <algorithm>
#include <cmath>
#include <thread>

#include "app/cpu_quota.h"

namespace ac {

int usable_cpus() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) return std::max(1, CPU_COUNT(&set));
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

int io_thread_count(int usable_cpus, std::optional<double> cpu_limit) {
  int threads = usable_cpus;
  // Compared as doubles first: a limit far above any CPU count must not overflow an int.
  if (cpu_limit && std::ceil(*cpu_limit) < threads) {
    threads = static_cast<int>(std::ceil(*cpu_limit));
  }
  return std::max(1, threads);
}

int io_threads() { return io_thread_count(usable_cpus(), cgroup_cpu_limit("/")); }

}  // namespace ac
