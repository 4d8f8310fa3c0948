"""The service starts no more I/O threads than its cgroup's CPU quota allows (docs/OPERATIONS.md,
"Start, stop, check"), against the real kernel: the real binary in a child cgroup limited to one
CPU says `io_threads` 1 in its `listening` line, and in a child cgroup without a limit, the CPUs
of its affinity mask. Needs root and a cpu controller it may use: cgroup v1's at /sys/fs/cgroup/cpu (or
cpu,cpuacct), or cgroup v2's at /sys/fs/cgroup, where `+cpu` is written to the root's
cgroup.subtree_control if it is not there yet (and left there: taking it away would take it from
every other cgroup too). Skips, saying why, where it cannot."""
import math
import os
import sys
import time
import unittest

from harness import Stack

PERIOD_US = 100000


def cpu_hierarchy():
    """(version, directory) of the hierarchy with the cpu controller, or the reason there is none."""
    for v1 in ("/sys/fs/cgroup/cpu", "/sys/fs/cgroup/cpu,cpuacct"):
        if os.path.exists(os.path.join(v1, "cpu.cfs_quota_us")):
            return 1, v1
    try:
        with open("/sys/fs/cgroup/cgroup.controllers") as f:
            if "cpu" in f.read().split():
                return 2, "/sys/fs/cgroup"
    except OSError:
        pass
    return None, ("no cgroup v1 cpu hierarchy at /sys/fs/cgroup/cpu or /sys/fs/cgroup/cpu,cpuacct "
                  "and no cgroup v2 with the cpu controller at /sys/fs/cgroup")


def read(path):
    with open(path) as f:
        return f.read().strip()


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def limit_of(version, directory):
    """The CPUs a cgroup's own quota allows, None for no limit."""
    if version == 1:
        quota, period = int(read(f"{directory}/cpu.cfs_quota_us")), int(read(f"{directory}/cpu.cfs_period_us"))
        return quota / period if quota > 0 else None
    try:
        quota, period = read(f"{directory}/cpu.max").split()
    except (OSError, ValueError):
        return None  # the root cgroup has no cpu.max
    return None if quota == "max" else int(quota) / int(period)


class ChildCgroup:
    """A cgroup of this test's own under the cpu hierarchy's top, with a quota of `cpus` CPUs (None:
    no limit), removed again once the processes moved into it have gone. Raises SkipTest where it
    cannot be made."""

    def __init__(self, test, version, parent, cpus):
        self.dir = os.path.join(parent, f"ac-e2e-cpu-quota-{os.getpid()}-{'max' if cpus is None else cpus}")
        if version == 2 and "cpu" not in read(f"{parent}/cgroup.subtree_control").split():
            try:
                write(f"{parent}/cgroup.subtree_control", "+cpu")
            except OSError as err:
                test.skipTest(f"cannot enable the cpu controller in {parent}/cgroup.subtree_control: {err}")
        try:
            os.mkdir(self.dir)
        except OSError as err:
            test.skipTest(f"cannot create the cgroup {self.dir}: {err}")
        try:
            if cpus is not None:
                quota = int(cpus * PERIOD_US)
                if version == 1:
                    write(f"{self.dir}/cpu.cfs_period_us", str(PERIOD_US))
                    write(f"{self.dir}/cpu.cfs_quota_us", str(quota))
                else:
                    write(f"{self.dir}/cpu.max", f"{quota} {PERIOD_US}")
        except OSError as err:
            self.remove()
            test.skipTest(f"cannot set a quota of {cpus} CPU in {self.dir}: {err}")
        test.addCleanup(self.remove)

    def launcher(self):
        """A shell that moves itself, and nothing else, into the cgroup and execs the service."""
        return ["/bin/sh", "-c", f'echo $$ > {self.dir}/cgroup.procs && exec "$@"', "sh"]

    def remove(self):
        # The kernel takes an exited process out of its cgroup a moment after it is reaped.
        deadline = time.monotonic() + 5
        while os.path.isdir(self.dir):
            try:
                os.rmdir(self.dir)
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.02)


class IoThreads(unittest.TestCase):
    def setUp(self):
        if os.geteuid() != 0:
            self.skipTest(f"not root (euid {os.geteuid()}): cannot create a cgroup")
        self.affinity = len(os.sched_getaffinity(0))
        if self.affinity < 2:
            self.skipTest("the affinity mask has 1 CPU: a quota of one CPU changes nothing to see")
        self.version, self.parent = cpu_hierarchy()
        if self.version is None:
            self.skipTest(self.parent)

    def listening_in(self, cgroup):
        """The `listening` line of the service started in `cgroup`, after checking it is there."""
        stack = Stack(configured=False, start_sandbox=False, launcher=cgroup.launcher())
        try:
            self.assertIn(f"/{os.path.basename(cgroup.dir)}\n", read(f"/proc/{stack.service.proc.pid}/cgroup") + "\n")
            return next(e for e in stack.service.entries() if e["message"] == "listening")
        finally:
            self.assertEqual(stack.close(), 0)

    def test_a_quota_of_one_cpu_gives_one_io_thread(self):
        cgroup = ChildCgroup(self, self.version, self.parent, 1)
        line = self.listening_in(cgroup)
        print(f"cgroup v{self.version} {cgroup.dir}, quota {PERIOD_US}/{PERIOD_US} us, affinity "
              f"{self.affinity} CPUs: io_threads {line['io_threads']}", file=sys.stderr)
        self.assertEqual(line["io_threads"], 1)
        self.assertIn("port", line)  # the fields it had stay
        self.assertIn("max_connections", line)

    def test_without_a_quota_io_threads_are_the_affinity_count(self):
        cgroup = ChildCgroup(self, self.version, self.parent, None)
        # Inside a container the hierarchy's top may be the container's own cgroup, with a quota.
        above = limit_of(self.version, self.parent)
        expected = self.affinity if above is None else min(self.affinity, math.ceil(above))
        line = self.listening_in(cgroup)
        print(f"cgroup v{self.version} {cgroup.dir}, no quota (above it: {above}), affinity "
              f"{self.affinity} CPUs: io_threads {line['io_threads']}", file=sys.stderr)
        self.assertEqual(line["io_threads"], expected)


if __name__ == "__main__":
    unittest.main(verbosity=2)
