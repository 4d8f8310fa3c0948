#pragma once

// How many I/O threads `serve` starts (docs/OPERATIONS.md).

#include <optional>

namespace ac {

// The CPUs this process may run on (taskset, cgroup cpusets), not all the machine has.
int usable_cpus();

// One I/O thread per usable CPU, so that they never take turns on one core, but no more than the
// cgroup's CPU limit: more threads than the quota burn it in parallel early in each period and
// are then throttled for the rest of it. A fractional limit is rounded up, on purpose: 1.5 CPUs
// get two threads, so that half a core is not left idle, at the price of some throttling under
// full load. At least one.
int io_thread_count(int usable_cpus, std::optional<double> cpu_limit);

// io_thread_count of this process's affinity mask and cgroup.
int io_threads();

}  // namespace ac
