#pragma once

// The CPU limit of this process's cgroup (a container's `--cpus`, a Kubernetes CPU limit), which
// the affinity mask does not show: a pod limited to 2 CPUs on a 32-core node sees 32 CPUs there.

#include <filesystem>
#include <optional>

namespace ac {

// CPUs per period the cgroup may use (1.5 for cgroup v2's `cpu.max` "150000 100000", or v1's
// `cpu.cfs_quota_us` 150000 over `cpu.cfs_period_us` 100000): the smallest limit of the
// process's cgroup and each parent up to its hierarchy's mount point, since a parent's limit
// binds its children. The hierarchy is the one holding the cpu controller (v2, or v1 on hybrid
// machines), found from /proc/self/mountinfo and /proc/self/cgroup. nullopt when no level has a
// limit or none can be read: missing, unreadable or malformed files are never an error.
// Every file is read under `root`: "/" in production, a fake tree in tests.
std::optional<double> cgroup_cpu_limit(const std::filesystem::path& root);

}  // namespace ac
