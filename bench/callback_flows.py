#!/usr/bin/python3
"""Complete connect flows per second against one service, and where its time goes
(docs/BENCHMARKS.md, issue 12).

  /usr/bin/python3 bench/callback_flows.py [SECONDS] [BUILD_DIR]

One service on SQLite with states in memory, every thread of it pinned to CPU 0; the sandbox and
the clients (4 processes of 4 threads, each doing authorize, the sandbox's approval and the
callback: state consumed, code exchanged with the sandbox on keep-alive, tokens encrypted, account
stored) pinned to CPU 1. `perf record` samples the service meanwhile; the report gives its share of
CPU 0 and of its samples per library, and its top symbols.
"""
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.argv += [] if len(sys.argv) > 1 else ["10"]
import scale_out_bench  # noqa: E402  (reads SECONDS and the build directory from argv)
from scale_out_bench import NO_LIMITS, flows_per_second  # noqa: E402
from harness import Stack  # noqa: E402


def pin(pid, cpu):
    subprocess.run(["taskset", "-a", "-p", "-c", str(cpu), str(pid)], check=True, stdout=subprocess.DEVNULL)


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def main():
    seconds = scale_out_bench.SECONDS
    stack = Stack(service_env={**NO_LIMITS, "LOG_LEVEL": "info"})
    perf_data = os.path.join(tempfile.mkdtemp(prefix="ac-flows-"), "perf.data")
    try:
        pin(stack.service.proc.pid, 0)
        pin(stack.sandbox.proc.pid, 1)
        os.sched_setaffinity(0, {1})  # the client processes inherit it
        perf = subprocess.Popen(["perf", "record", "-F", "999", "-g", "-o", perf_data, "-p",
                                 str(stack.service.proc.pid), "--", "sleep", str(seconds)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        used = cpu_seconds(stack.service.proc.pid)
        rate, errors = flows_per_second(stack.service.base, stack.sandbox.base)
        used = cpu_seconds(stack.service.proc.pid) - used
        perf.wait()
        print(f"{rate:,.0f} complete flows/s over {seconds:.0f} s, {errors} failed; the service used"
              f" {100 * used / seconds:.0f}% of CPU 0, {1e6 * used / (rate * seconds):.0f} µs per flow")
        report = subprocess.run(["perf", "report", "-i", perf_data, "--no-children", "--sort", "dso",
                                 "--stdio"], capture_output=True, text=True).stdout
        print("service samples by library:")
        for line in report.splitlines():
            if "%" in line and not line.startswith("#") and not line.strip().startswith("-"):
                print("  " + line.strip())
        symbols = subprocess.run(["perf", "report", "-i", perf_data, "--no-children", "--sort",
                                  "dso,symbol", "--stdio", "-g", "none"], capture_output=True,
                                 text=True).stdout
        print("top symbols:")
        shown = [line.strip() for line in symbols.splitlines() if "%" in line and not line.startswith("#")]
        for line in shown[:15]:
            print("  " + line[:120])
    finally:
        stack.close()


if __name__ == "__main__":
    main()
