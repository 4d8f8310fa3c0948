#!/usr/bin/python3
"""Soak (issue 11): the service and audible-sandbox under a steady mixed load for a long time.

1. Starts audible-sandbox and audible-connect (tests/e2e/harness.Stack, SQLite, states and limits
   in memory, per-user limits raised out of the way, LOG_LEVEL=info, the state TTL at --state-ttl
   seconds) and links USERS accounts through the real
   flow (authorize, the sandbox's consent form, callback).
2. Saturation: every connection busy with the mix for SATURATION_SECONDS; its rate is the ceiling
   (on a 2-core machine this Python client shares the cores, so it is a ceiling for this client).
3. Soak: the same mix, open loop, at half that rate (or --rate), for --minutes. Mix: authorize 15%,
   callback flow 5% (authorize, consent at the sandbox, callback), connected 35%, library 30%,
   search 15% (the provider, through the catalog cache).
4. Every 10 s: the service's resident memory and open file descriptors from /proc, and where its
   heap goes from /metrics (tcmalloc's held bytes and free caches, SQLite's memory).

Passes when: no 5xx (each is counted with its detail); p99 under 10 ms for the endpoints that do not
call the provider (authorize, connected, library); resident memory grows under 5% from the end of
the warm-up to the end; the fd count ends where it was after warm-up (within 5). Prints a summary,
with the memory breakdown at both ends of that span, and exits 1 when a criterion fails.

The warm-up is the first fifth of the run, but never shorter than what the bounded memory needs to
reach its steady size, so that growth after it means a leak and not a cache still filling:
- pending states: each lives for the state TTL and is kept one more TTL (so that the log can tell
  "expired" from "unknown"), so their number is steady only after 2 x --state-ttl; plus 30 s for
  tcmalloc's thread caches, which fill to their bound (8 MiB, docs/OPERATIONS.md "Memory") within
  about a minute at a thousand requests/s;
- the state TTL is lowered to 60 s (--state-ttl) because at the default 900 s the warm-up would
  have to be 30 minutes: 15% authorize at a few hundred requests/s holds ~100 000 states (~137
  bytes each), steady only after 2 x 900 s.
SQLite's page caches (2 MiB per pooled connection at most) stay near 1 MiB in all: the database of
50 accounts is small.

  bench/soak.py [--minutes 10] [--rate N] [--build-dir build/release] [--connections 32]
                [--state-ttl 60]
"""
import argparse
import asyncio
import json
import os
import random
import re
import shutil
import sys
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "../tests/e2e"))

API = "/api/v1/user/audible"
USERS = 50
FAST = ("authorize", "connected", "library")
QUERIES = ["harry potter", "dune", "sapiens", "the hobbit", "atomic habits", "project hail mary", "educated",
           "becoming", "the martian", "circe"]


class Connection:
    """One keep-alive HTTP/1.1 connection; reconnects when the server closes it."""

    def __init__(self, host, port):
        self.host, self.port = host, port
        self.reader = self.writer = None

    async def request(self, method, target, headers=None, body=b""):
        for attempt in (0, 1):
            try:
                if self.writer is None:
                    self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
                head = f"{method} {target} HTTP/1.1\r\nHost: {self.host}\r\nContent-Length: {len(body)}\r\n"
                for name, value in (headers or {}).items():
                    head += f"{name}: {value}\r\n"
                self.writer.write(head.encode() + b"\r\n" + body)
                status_line = await self.reader.readline()
                if not status_line:
                    raise ConnectionResetError("closed")
                status = int(status_line.split()[1])
                length, close, response_headers = 0, False, {}
                while True:
                    line = (await self.reader.readline()).decode("latin-1").strip()
                    if not line:
                        break
                    name, _, value = line.partition(":")
                    response_headers[name.strip().lower()] = value.strip()
                length = int(response_headers.get("content-length", "0"))
                close = response_headers.get("connection", "").lower() == "close"
                data = await self.reader.readexactly(length) if length else b""
                if close:
                    self.close()
                return status, response_headers, data
            except (ConnectionError, asyncio.IncompleteReadError):
                self.close()
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def close(self):
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


class Load:
    def __init__(self, stack, tokens, connections):
        service = urllib.parse.urlsplit(stack.service.base)
        sandbox = urllib.parse.urlsplit(stack.sandbox.base)
        self.pool = asyncio.Queue()
        for _ in range(connections):
            self.pool.put_nowait((Connection(service.hostname, service.port),
                                  Connection(sandbox.hostname, sandbox.port)))
        self.tokens = tokens
        self.latencies = {}
        self.statuses = {}
        self.errors = {}

    def record(self, name, status, seconds):
        self.latencies.setdefault(name, []).append(seconds * 1000)
        key = f"{name} {status}"
        self.statuses[key] = self.statuses.get(key, 0) + 1

    async def call(self, conn, name, method, path, token, body=None):
        headers = {"Authorization": f"Bearer {token}"}
        data = b""
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        start = time.perf_counter()
        status, _, payload = await conn.request(method, API + path, headers, data)
        self.record(name, status, time.perf_counter() - start)
        if status >= 500:  # which error, for the summary
            key = f"{name} {status} {payload[:80].decode('utf-8', 'replace')}"
            self.errors[key] = self.errors.get(key, 0) + 1
        return status, payload

    async def callback_flow(self, service, sandbox, token, user):
        status, payload = await self.call(service, "authorize", "POST", "/oauth/authorize", token, {})
        if status != 200:
            return
        auth_url = urllib.parse.urlsplit(json.loads(payload)["auth_url"])
        query = dict(urllib.parse.parse_qsl(auth_url.query))
        _, _, page = await sandbox.request("GET", "/authorize?" + auth_url.query)
        csrf = re.search(rb'name="csrf_token" value="([^"]*)"', page).group(1).decode()
        form = urllib.parse.urlencode({**query, "user": user, "decision": "approve", "csrf_token": csrf}).encode()
        _, headers, _ = await sandbox.request("POST", "/authorize",
                                              {"Content-Type": "application/x-www-form-urlencoded"}, form)
        back = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(headers["location"]).query))
        await self.call(service, "callback", "POST", "/oauth/callback", token, back)

    async def one(self, rng):
        service, sandbox = await self.pool.get()
        try:
            index = rng.randrange(len(self.tokens))
            token = self.tokens[index]
            pick = rng.random()
            if pick < 0.15:
                await self.call(service, "authorize", "POST", "/oauth/authorize", token, {})
            elif pick < 0.20:
                await self.callback_flow(service, sandbox, token, f"soak-listener-{index}")
            elif pick < 0.55:
                await self.call(service, "connected", "GET", "/connected", token)
            elif pick < 0.85:
                await self.call(service, "library", "GET", f"/library?skip={rng.randrange(20)}&limit=20", token)
            else:
                q = urllib.parse.quote(rng.choice(QUERIES))
                await self.call(service, "search", "GET", f"/search?q={q}&limit=10", token)
        finally:
            self.pool.put_nowait((service, sandbox))


def process_sample(pid):
    with open(f"/proc/{pid}/status") as f:
        rss_kb = int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))
    return rss_kb, len(os.listdir(f"/proc/{pid}/fd"))


async def memory_breakdown(conn):
    """Where the heap goes, from /metrics (docs/OPERATIONS.md, "Memory"): name -> bytes."""
    _, _, body = await conn.request("GET", "/metrics")
    values = {}
    for line in body.decode().splitlines():
        if line.startswith(("audible_connect_heap", "audible_connect_sqlite")):
            name, value = line.rsplit(" ", 1)
            values[name.removeprefix("audible_connect_")] = float(value)
    return values


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))] if ordered else float("nan")


async def saturate(load, seconds, connections):
    rng = random.Random(1)
    done = 0
    deadline = time.monotonic() + seconds

    async def worker():
        nonlocal done
        while time.monotonic() < deadline:
            await load.one(rng)
            done += 1
    await asyncio.gather(*(worker() for _ in range(connections)))
    return done / seconds


async def soak(load, rate, seconds, pid, metrics, samples):
    rng = random.Random(2)
    start = time.monotonic()
    next_sample = start
    tasks = set()
    sent = 0
    while (now := time.monotonic()) - start < seconds:
        if now >= next_sample:
            samples.append((now - start, *process_sample(pid), await memory_breakdown(metrics)))
            next_sample += 10
        due = int((now - start) * rate)
        while sent < due:
            task = asyncio.create_task(load.one(rng))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
            sent += 1
        await asyncio.sleep(0.002)
    await asyncio.gather(*tasks)
    samples.append((time.monotonic() - start, *process_sample(pid), await memory_breakdown(metrics)))
    return sent / (time.monotonic() - start)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--rate", type=float, help="requests/s (default: half the measured saturation)")
    parser.add_argument("--build-dir", default=os.path.join(HERE, "../build/release"))
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--saturation-seconds", type=float, default=20)
    parser.add_argument("--state-ttl", type=int, default=60, help="AUDIBLE_STATE_TTL_SECONDS (default 60)")
    args = parser.parse_args()
    # Long enough for the bounded memory to reach its steady size (see above).
    warm_up = max(args.minutes * 60 / 5, 2 * args.state_ttl + 30)
    if warm_up >= args.minutes * 60 * 0.8:
        parser.error(f"--minutes {args.minutes:g} leaves too little after the {warm_up:.0f} s warm-up")
    os.environ["AC_BUILD_DIR"] = os.path.abspath(args.build_dir)
    import harness

    limits = {name: "1000000000" for name in (
        "AUDIBLE_RATE_LIMIT_PER_MINUTE", "AUDIBLE_RATE_LIMIT_CALLBACK_PER_MINUTE",
        "AUDIBLE_RATE_LIMIT_SEARCH_PER_MINUTE", "AUDIBLE_RATE_LIMIT_GENERAL_PER_MINUTE")}
    # A short state TTL, so that the pending states reach their steady number inside the warm-up.
    stack = harness.Stack(service_env={**limits, "LOG_LEVEL": "info",
                                       "AUDIBLE_STATE_TTL_SECONDS": str(args.state_ttl),
                                       "AUDIBLE_PROVIDER_CALLS_PER_USER": "1000"})
    failures = []
    try:
        tokens = [harness.mint(f"soak-user-{i}", exp_in=86400) for i in range(USERS)]
        for i, token in enumerate(tokens):
            _, _, resp = stack.connect(token, user=f"soak-listener-{i}")
            assert resp.status == 200, resp.body
        load = Load(stack, tokens, args.connections)
        ceiling = asyncio.run(saturate(load, args.saturation_seconds, args.connections))
        rate = args.rate or ceiling / 2
        print(f"saturation: {ceiling:.0f} requests/s with {args.connections} connections; soak at {rate:.0f}/s "
              f"for {args.minutes:g} min, warm-up {warm_up:.0f} s")
        load = Load(stack, tokens, args.connections)
        samples = []
        service = urllib.parse.urlsplit(stack.service.base)
        metrics = Connection(service.hostname, service.port)
        achieved = asyncio.run(soak(load, rate, args.minutes * 60, stack.service.proc.pid, metrics, samples))
    finally:
        stack.close()
        shutil.rmtree(stack.dir, ignore_errors=True)  # the access log: about 100 MB

    print(f"achieved {achieved:.0f} requests/s")
    print(f"{'endpoint':<10} {'count':>8} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for name, values in sorted(load.latencies.items()):
        p99 = percentile(values, 0.99)
        print(f"{name:<10} {len(values):>8} {percentile(values, 0.5):>8.2f} {p99:>8.2f} {max(values):>8.2f}")
        if name in FAST and p99 >= 10:
            failures.append(f"{name} p99 {p99:.2f} ms >= 10 ms")
    print("statuses:", json.dumps(dict(sorted(load.statuses.items()))))
    if load.errors:
        failures.append(f"5xx answers: {load.errors}")
    warm = [s for s in samples if s[0] >= warm_up]
    rss_growth = (warm[-1][1] - warm[0][1]) / warm[0][1] * 100
    print(f"rss after warm-up: {warm[0][1] / 1024:.1f} MiB -> {warm[-1][1] / 1024:.1f} MiB ({rss_growth:+.1f}%); "
          f"fds {warm[0][2]} -> {warm[-1][2]} (min {min(s[2] for s in warm)}, max {max(s[2] for s in warm)})")
    for label, sample in (("after warm-up", warm[0]), ("at the end", warm[-1])):
        print(f"heap {label} (MiB):", " ".join(f"{name} {value / 2**20:.1f}" for name, value in sample[3].items()))
    print("samples (s, rss KiB, fds):", " ".join(f"{t:.0f}:{r}:{f}" for t, r, f, _ in samples))
    if rss_growth >= 5:
        failures.append(f"rss grew {rss_growth:.1f}%")
    if abs(warm[-1][2] - warm[0][2]) > 5:
        failures.append(f"fds went from {warm[0][2]} to {warm[-1][2]}")
    for failure in failures:
        print("FAIL:", failure)
    print("PASS" if not failures else "FAILED")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
