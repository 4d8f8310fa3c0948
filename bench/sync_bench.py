#!/usr/bin/python3
"""Wall time and the service's peak RSS for a 10 000-item library sync from audible-sandbox.

  /usr/bin/python3 bench/sync_bench.py [BUILD_DIR]

Three users, each with 10 000 books: a full sync each (10 pages of 1 000), then an incremental
sync of the last one after 5 additions and 5 revocations. Starts its own sandbox and service.
"""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../tests/e2e"))
if len(sys.argv) > 1:
    os.environ["AC_BUILD_DIR"] = sys.argv[1]
else:
    os.environ.setdefault("AC_BUILD_DIR", os.path.join(os.path.dirname(os.path.abspath(__file__)), "../build/release"))

from harness import Stack, mint  # noqa: E402


def rss_mib(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def main():
    stack = Stack({"LOG_LEVEL": "info"}, sandbox_args=["--library-size", "10000"])
    try:
        pid = stack.service.proc.pid
        print(f"service RSS after start: {rss_mib(pid, 'VmRSS'):.1f} MiB")
        for i in range(3):
            token = mint(f"bench-user-{i}")
            assert stack.connect(token, user=f"bench-listener-{i}")[2].status == 200
            start = time.perf_counter()
            resp = stack.api("POST", "/library/sync", token=token, timeout=120)
            took = time.perf_counter() - start
            assert resp.status == 200, resp.body
            print(f"full sync {i + 1}: {resp.json()['audiobooks_count']} items in {took:.2f} s")
        stack.sandbox_control("library", user="bench-listener-2", add=5)
        stack.sandbox_control("library", user="bench-listener-2", revoke=5)
        start = time.perf_counter()
        resp = stack.api("POST", "/library/sync", token=token, timeout=120)
        print(f"incremental sync: {resp.json()['audiobooks_count']} items in {time.perf_counter() - start:.3f} s")
        start = time.perf_counter()
        resp = stack.api("GET", "/library?skip=9900&limit=100", token=token)
        print(f"GET /library?skip=9900&limit=100: {len(resp.json())} items in {(time.perf_counter() - start) * 1000:.1f} ms")
        print(f"service peak RSS: {rss_mib(pid, 'VmHWM'):.1f} MiB")
    finally:
        stack.close()


if __name__ == "__main__":
    main()
