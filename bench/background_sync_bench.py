#!/usr/bin/python3
"""How many accounts one instance keeps fresh per hour against audible-sandbox, and the p99 of user
requests while the background sync runs at full concurrency, next to the same with it off.

  /usr/bin/python3 bench/background_sync_bench.py [BUILD_DIR]

One service on SQLite and one sandbox (libraries of 25 books; every background sync after the
first is incremental), ACCOUNTS linked users. Throughput: with the interval at 0.36 s every account
is always due, so the loop never idles; synced per second x 3600 is how many accounts it can sync
in an hour, which is how many it keeps fresh at a 1-hour interval (12 times that at the default
12 hours). Latency: a client sends GET /library and GET /connected for the linked users, one at a
time, while the loop is off and then on (at the concurrency given), alternating so that the
machine's noise lands on both.
"""
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../tests/e2e"))
if len(sys.argv) > 1:
    os.environ["AC_BUILD_DIR"] = sys.argv[1]
else:
    os.environ.setdefault("AC_BUILD_DIR", os.path.join(os.path.dirname(os.path.abspath(__file__)), "../build/release"))

from harness import Stack, mint, request  # noqa: E402

ACCOUNTS = 100
MEASURE_SECONDS = 10
REQUESTS_PER_ROUND = 1000
LIMITS = {"LOG_LEVEL": "warning", "AUDIBLE_RATE_LIMIT_GENERAL_PER_MINUTE": "1000000",
          "AUDIBLE_PROVIDER_CALLS_PER_USER": "1000"}


def metric(stack, name):
    for line in request("GET", stack.service.base + "/metrics").body.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    raise AssertionError(name)


def linked_stack(env):
    stack = Stack({**LIMITS, **env})
    tokens = []
    for i in range(ACCOUNTS):
        token = mint(f"bench-user-{i}")
        assert stack.connect(token, user=f"bench-listener-{i}")[2].status == 200
        tokens.append(token)
    return stack, tokens


def throughput(concurrency):
    stack, _ = linked_stack({"AUDIBLE_BACKGROUND_SYNC_HOURS": "0.0001",
                             "AUDIBLE_BACKGROUND_SYNC_CONCURRENCY": str(concurrency)})
    try:
        time.sleep(1)  # past the first due time
        before = metric(stack, "audible_background_sync_synced_total")
        time.sleep(MEASURE_SECONDS)
        synced = metric(stack, "audible_background_sync_synced_total") - before
        failed = metric(stack, "audible_background_sync_failed_total")
        per_second = synced / MEASURE_SECONDS
        print(f"concurrency {concurrency}: {per_second:.0f} syncs/s = {per_second * 3600:,.0f} accounts "
              f"per hour ({failed:.0f} failed)")
    finally:
        stack.close()


def latencies(stack, tokens):
    samples = []
    for i in range(REQUESTS_PER_ROUND):
        token = tokens[i % len(tokens)]
        path = "/library?limit=20" if i % 2 == 0 else "/connected"
        start = time.perf_counter()
        resp = stack.api("GET", path, token=token)
        samples.append((time.perf_counter() - start) * 1000)
        assert resp.status == 200, resp.body
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.99) - 1]


def user_latency(concurrency):
    stacks = {
        "off": linked_stack({"AUDIBLE_BACKGROUND_SYNC_HOURS": "0"}),
        "on": linked_stack({"AUDIBLE_BACKGROUND_SYNC_HOURS": "0.0001",
                            "AUDIBLE_BACKGROUND_SYNC_CONCURRENCY": str(concurrency)}),
    }
    try:
        time.sleep(1)
        for round_number in range(1, 4):
            for name, (stack, tokens) in stacks.items():
                p50, p99 = latencies(stack, tokens)
                print(f"round {round_number}, loop {name:3}: p50 {p50:.2f} ms, p99 {p99:.2f} ms")
        stack, _ = stacks["on"]
        print(f"syncs done meanwhile by the loop: {metric(stack, 'audible_background_sync_synced_total'):.0f}")
    finally:
        for stack, _ in stacks.values():
            stack.close()


def main():
    print(f"{ACCOUNTS} accounts, {os.cpu_count()} CPUs (shared with whatever else runs)")
    for concurrency in (1, 2, 4, 8):
        throughput(concurrency)
    user_latency(2)
    user_latency(8)


if __name__ == "__main__":
    main()
