#!/usr/bin/python3
"""How many accounts one instance keeps fresh per hour against audible-sandbox, and the p99 of user
requests while the background sync runs at full concurrency, side by side with it off.

  /usr/bin/python3 bench/background_sync_bench.py [BUILD_DIR]

One service on SQLite and one sandbox (libraries of 25 books; every background sync after the
first is incremental), with ACCOUNTS linked users; the service is restarted on the same data for
each setting. Throughput: with the interval at its shortest (0.36 s) and more accounts than the
loop can sync in it, the loop never idles (the due-accounts gauge stays above zero); synced per
second x 3600 is how many accounts it syncs in an hour, which is how many it keeps fresh at a
1-hour interval (12 times that at the default 12 hours). Latency: one client sends GET /library
and GET /connected for the linked users, one at a time, with the loop off and then on at full
concurrency, alternating, so that the shared machine's noise lands on both.
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

from harness import SERVICE_BIN, Process, Stack, mint, request  # noqa: E402

ACCOUNTS = 400
MEASURE_SECONDS = 10
REQUESTS_PER_ROUND = 2000
OFF = {"AUDIBLE_BACKGROUND_SYNC_HOURS": "0"}
SETTINGS = {"LOG_LEVEL": "info", "AUDIBLE_RATE_LIMIT_GENERAL_PER_MINUTE": "1000000",
            "AUDIBLE_PROVIDER_CALLS_PER_USER": "1000", **OFF}


def full_speed(concurrency):
    return {"AUDIBLE_BACKGROUND_SYNC_HOURS": "0.0001", "AUDIBLE_BACKGROUND_SYNC_CONCURRENCY": str(concurrency)}


def metric(stack, name):
    for line in request("GET", stack.service.base + "/metrics").body.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    raise AssertionError(name)


def restart(stack, env):
    stack.service.stop()
    stack.service = Process([SERVICE_BIN, "serve"], {**stack.env, **env}, stack.dir)
    time.sleep(1)  # past the first due times


def throughput(stack, concurrency):
    restart(stack, full_speed(concurrency))
    before = metric(stack, "audible_background_sync_synced_total")
    time.sleep(MEASURE_SECONDS)
    per_second = (metric(stack, "audible_background_sync_synced_total") - before) / MEASURE_SECONDS
    print(f"concurrency {concurrency}: {per_second:.0f} syncs/s = {per_second * 3600:,.0f} accounts per hour "
          f"({metric(stack, 'audible_background_sync_failed_total'):.0f} failed, "
          f"{metric(stack, 'audible_background_sync_due_accounts'):.0f} due at the end)")


def latencies(stack, tokens):
    samples = []
    for i in range(REQUESTS_PER_ROUND):
        path = "/library?limit=20" if i % 2 == 0 else "/connected"
        start = time.perf_counter()
        resp = stack.api("GET", path, token=tokens[i % len(tokens)])
        samples.append((time.perf_counter() - start) * 1000)
        assert resp.status == 200, resp.body
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.99) - 1]


def user_latency(stack, tokens, concurrency):
    for round_number in range(1, 4):
        for name, env in (("off", OFF), ("on", full_speed(concurrency))):
            restart(stack, env)
            p50, p99 = latencies(stack, tokens)
            synced = metric(stack, "audible_background_sync_synced_total")
            print(f"concurrency {concurrency}, round {round_number}, loop {name:3}: p50 {p50:.2f} ms, "
                  f"p99 {p99:.2f} ms ({synced:.0f} background syncs meanwhile)")


def main():
    print(f"{ACCOUNTS} accounts, {os.cpu_count()} CPUs (shared with whatever else runs)")
    stack = Stack(SETTINGS)
    try:
        tokens = [mint(f"bench-user-{i}") for i in range(ACCOUNTS)]
        for i, token in enumerate(tokens):
            assert stack.connect(token, user=f"bench-listener-{i}")[2].status == 200
        for concurrency in (1, 2, 4, 8):
            throughput(stack, concurrency)
        user_latency(stack, tokens, 2)
        user_latency(stack, tokens, 8)
    finally:
        stack.close()


if __name__ == "__main__":
    main()
