#!/usr/bin/python3
"""Many instances against the embedded defaults, in one run (docs/BENCHMARKS.md, "Scale-out").

  /usr/bin/python3 bench/scale_out_bench.py [SECONDS] [BUILD_DIR]

1. Complete connect flows per second (authorize, the sandbox's approval, callback), from 16
   client threads in 4 processes, for SECONDS each: one instance on SQLite and in-memory state;
   one instance and two instances behind nginx on PostgreSQL and Redis (tests/e2e/cluster.py
   starts every server on loopback).
2. wrk on POST /oauth/authorize (1 thread, 32 connections): states in memory against states in
   Redis, on one instance each, side by side (rate limits in memory in both, to compare the state
   store alone).
Every process shares this machine's cores, the clients too: compare the ratios, not the figures.
"""
import multiprocessing
import os
import re
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "../tests/e2e"))
SECONDS = float(sys.argv[1]) if len(sys.argv) > 1 else 8.0
os.environ["AC_BUILD_DIR"] = sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, "../build/release")

import harness  # noqa: E402
from cluster import Cluster  # noqa: E402
from harness import Stack, mint, request  # noqa: E402

NO_LIMITS = {"AUDIBLE_RATE_LIMIT_PER_MINUTE": "1000000000", "AUDIBLE_RATE_LIMIT_CALLBACK_PER_MINUTE": "1000000000",
             "AUDIBLE_RATE_LIMIT_GENERAL_PER_MINUTE": "1000000000", "LOG_LEVEL": "info"}
PROCESSES, THREADS = 4, 4


def flows_worker(args):
    """One client process: THREADS threads doing whole flows until the deadline; returns (flows, errors)."""
    base, sandbox, deadline, worker = args
    counts = [0, 0]
    lock = threading.Lock()

    def run(thread):
        n = 0
        while time.time() < deadline:
            n += 1
            user = f"flow-{worker}-{thread}-{n}"
            token = mint(user)
            try:
                start = request("POST", base + harness.API + "/oauth/authorize", body={}, token=token).json()
                back = harness.approve(sandbox, start["auth_url"], user)
                ok = request("POST", base + harness.API + "/oauth/callback", body=back, token=token).status == 200
            except Exception:  # noqa: BLE001 - counted, and the run goes on
                ok = False
            with lock:
                counts[0 if ok else 1] += 1

    threads = [threading.Thread(target=run, args=(t,)) for t in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return tuple(counts)


def flows_per_second(base, sandbox):
    deadline = time.time() + SECONDS
    with multiprocessing.Pool(PROCESSES) as pool:
        results = pool.map(flows_worker, [(base, sandbox, deadline, w) for w in range(PROCESSES)])
    flows, errors = sum(r[0] for r in results), sum(r[1] for r in results)
    return flows / SECONDS, errors


def wrk_authorize(base, secret):
    token = mint("wrk-user", secret=secret)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(f'wrk.method = "POST"\nwrk.body = "{{}}"\nwrk.headers["Content-Type"] = "application/json"\n'
                f'wrk.headers["Authorization"] = "Bearer {token}"\n')
    out = subprocess.run(["wrk", "-t1", "-c32", f"-d{int(SECONDS)}s", "--latency", "-s", f.name,
                          base + harness.API + "/oauth/authorize"], capture_output=True, text=True).stdout
    os.unlink(f.name)
    if "Non-2xx" in out:
        raise SystemExit("wrk saw non-2xx answers:\n" + out)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+(\S+)", out).group(1)
    return rps, p99


def main():
    print(f"{SECONDS:.0f} s per run, {PROCESSES}x{THREADS} client threads for flows")
    print(f"{'setup':44} {'flows/s':>9} {'errors':>7}")
    embedded = Stack(NO_LIMITS)
    try:
        rate, errors = flows_per_second(embedded.service.base, embedded.sandbox.base)
        print(f"{'1 instance, SQLite + memory':44} {rate:9.1f} {errors:7d}")
    finally:
        embedded.close()
    for instances in (1, 2):
        cluster = Cluster(instances=instances, service_env=NO_LIMITS)
        try:
            rate, errors = flows_per_second(cluster.nginx.base, cluster.sandbox.base)
            print(f"{f'{instances} instance(s) + nginx, PostgreSQL + Redis':44} {rate:9.1f} {errors:7d}")
        finally:
            cluster.close()

    print(f"\n{'authorize, wrk -t1 -c32':44} {'req/s':>9} {'p99':>9}")
    cluster = Cluster(instances=1, service_env={**NO_LIMITS, "AUDIBLE_RATE_LIMIT_STORAGE": "memory"})
    memory = Stack(NO_LIMITS)
    try:
        results = {}
        for label, base in (("states in memory", memory.service.base), ("states in Redis", cluster.services[0].base),
                            ("states in memory (again)", memory.service.base),
                            ("states in Redis (again)", cluster.services[0].base)):
            results[label] = wrk_authorize(base, harness.JWT_SECRET)
            print(f"{label:44} {results[label][0]:9.0f} {results[label][1]:>9}")
        redis = results["states in Redis"][0] + results["states in Redis (again)"][0]
        mem = results["states in memory"][0] + results["states in memory (again)"][0]
        print(f"Redis / memory: {100 * redis / mem:.0f}%")
    finally:
        memory.close()
        cluster.close()


if __name__ == "__main__":
    main()
