#!/usr/bin/python3
"""10 000 idle keep-alive connections against one service (docs/BENCHMARKS.md, issue 12).

  /usr/bin/python3 bench/idle_connections.py [CONNECTIONS] [BUILD_DIR]

Starts `audible-connect serve` with its descriptor limit raised, measures GET /health with wrk
(1 thread, 2 connections, 5 s, after a warm-up run), then opens CONNECTIONS connections that each send one GET /health
and stay open (keep-alive), and measures again while they are held: the service's resident memory
per held connection, and the latency other clients see. The server closes a kept-alive connection
after 15 s idle, so the held connections are checked (one more request each) right after.
"""
import os
import re
import resource
import socket
import subprocess
import sys
import tempfile
import time

CONNECTIONS = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
BUILD = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(__file__), "../build/release")
REQUEST = b"GET /health HTTP/1.1\r\nHost: bench\r\n\r\n"


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))


def exchange(sock):
    """One request on a kept-alive connection; True when a 200 came back whole."""
    sock.sendall(REQUEST)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            return False
        data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    length = int(re.search(rb"Content-Length: (\d+)", head).group(1))
    while len(body) < length:
        body += sock.recv(4096)
    return head.startswith(b"HTTP/1.1 200")


def wrk(port):
    out = subprocess.run(["wrk", "-t1", "-c2", "-d5s", "--latency", f"http://127.0.0.1:{port}/health"],
                         capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = re.search(r"50%\s+(\S+)", out).group(1)
    p99 = re.search(r"99%\s+(\S+)", out).group(1)
    return f"{rps:>10,.0f} req/s  p50 {p50:>8}  p99 {p99:>8}"


def main():
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    limit = min(hard, CONNECTIONS * 2 + 1000)
    resource.setrlimit(resource.RLIMIT_NOFILE, (limit, hard))  # inherited by the service
    work = tempfile.mkdtemp(prefix="ac-idle-")
    key = subprocess.run([f"{BUILD}/src/audible-connect", "keygen"], capture_output=True, text=True,
                         check=True).stdout.strip()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {"PATH": os.environ["PATH"], "PORT": str(port), "DATABASE_URL": f"sqlite:///{work}/b.db",
           "AUDIBLE_TOKEN_ENCRYPTION_KEY": key, "JWT_SECRET_KEY": "x" * 32, "LOG_LEVEL": "warning"}
    service = subprocess.Popen([f"{BUILD}/src/audible-connect", "serve"], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    held = []
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        print(f"descriptor limit {limit}; {CONNECTIONS} connections")
        wrk(port)  # warm-up: the first run after start pays for page faults and allocator caches
        print(f"before: RSS {rss_kib(service.pid) / 1024:.1f} MiB; /health, 2 connections: {wrk(port)}")
        before = rss_kib(service.pid)
        start = time.monotonic()
        for _ in range(CONNECTIONS):
            sock = socket.create_connection(("127.0.0.1", port), timeout=10)
            if not exchange(sock):
                raise RuntimeError("a connection was refused an answer")
            held.append(sock)
        opened = time.monotonic() - start
        after = rss_kib(service.pid)
        print(f"held:   RSS {after / 1024:.1f} MiB ({(after - before) * 1024 / CONNECTIONS:.0f} bytes per"
              f" connection, opened in {opened:.1f} s); /health, 2 connections: {wrk(port)}")
        alive = sum(exchange(sock) for sock in held)
        print(f"still open and answering after the measurement: {alive} of {CONNECTIONS}")
    finally:
        for sock in held:
            sock.close()
        service.terminate()
        service.wait()


if __name__ == "__main__":
    main()
