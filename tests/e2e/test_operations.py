"""What an operator relies on: log lines in the fields log pipelines read, a stdout that breaks
without taking the service down, /ready that follows the store, metrics Prometheus accepts,
check-config --connect, and a disconnect that never leaves a revoked token stored."""
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import tempfile
import time
import unittest

from cryptography.fernet import Fernet

import harness
from harness import JWT_SECRET, Stack, mint, request, wait_for_ready


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_service(stdout, port, workdir):
    """The service with its stdout wherever the test says (no log to learn the port from)."""
    env = {"PATH": os.environ.get("PATH", ""), "PORT": str(port),
           "DATABASE_URL": f"sqlite:///{workdir}/service.db",
           "AUDIBLE_TOKEN_ENCRYPTION_KEY": Fernet.generate_key().decode(),
           "JWT_SECRET_KEY": JWT_SECRET, "AUDIBLE_INTEGRATION_ENABLED": "false"}
    proc = subprocess.Popen([harness.SERVICE_BIN, "serve"], env=env, stdout=stdout,
                            stderr=subprocess.DEVNULL, cwd=workdir)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"the service exited with {proc.returncode}")
        try:
            if request("GET", base + "/health", timeout=2).status == 200:
                return proc, base
        except OSError:
            pass
        time.sleep(0.05)
    proc.kill()
    raise AssertionError("the service did not answer")


def stop(proc, timeout=10):
    proc.send_signal(signal.SIGTERM)
    return proc.wait(timeout=timeout)


class Logs(unittest.TestCase):
    def test_lines_carry_the_fields_cloud_logging_reads_and_one_access_line_per_request(self):
        s = Stack(configured=False, start_sandbox=False)
        try:
            resp = request("GET", s.service.base + harness.API + "/connected", token=mint("logged"),
                           headers={"X-Request-ID": "req-ops-1"})
            self.assertEqual(resp.status, 200)
            entries = s.service.entries()
        finally:
            s.close()
        for entry in entries:
            self.assertRegex(entry["timestamp"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
            self.assertIn(entry["severity"], ("DEBUG", "INFO", "WARNING", "ERROR"))
            self.assertEqual(entry["service"], "audible")
            self.assertIsInstance(entry["message"], str)
        access = [e for e in entries if e.get("request_id") == "req-ops-1" and e["message"] == "request"]
        self.assertEqual(len(access), 1, entries)
        self.assertEqual((access[0]["endpoint"], access[0]["status"], access[0]["user_id"]),
                         ("/api/v1/user/audible/connected", 200, "logged"))
        self.assertIsInstance(access[0]["duration_ms"], (int, float))

    def test_sigterm_loses_no_line(self):
        workdir = tempfile.mkdtemp(prefix="ac-e2e-")
        with open(os.path.join(workdir, "out.log"), "w+") as out:
            proc, base = start_service(out, free_port(), workdir)
            for i in range(200):
                self.assertEqual(request("GET", base + "/health", headers={"X-Request-ID": f"r{i}"}).status, 200)
            self.assertEqual(stop(proc), 0)
            out.seek(0)
            text = out.read()
        shutil.rmtree(workdir)
        for i in range(200):
            self.assertIn(f'"request_id":"r{i}"', text)
        self.assertIn('"message":"stopped"', text)

    def test_a_closed_stdout_does_not_kill_the_service(self):
        workdir = tempfile.mkdtemp(prefix="ac-e2e-")
        read_end, write_end = os.pipe()
        os.close(read_end)  # as `audible-connect serve | head -c 10` once head is done
        try:
            proc, base = start_service(write_end, free_port(), workdir)
        finally:
            os.close(write_end)
        for _ in range(3):
            self.assertEqual(request("GET", base + "/health").status, 200)
        time.sleep(harness.LOG_FLUSH_SECONDS)  # the writer has tried those lines by now
        metrics = request("GET", base + "/metrics").body
        self.assertEqual(stop(proc), 0)
        shutil.rmtree(workdir)
        dropped = [l for l in metrics.splitlines() if l.startswith("audible_connect_log_lines_dropped_total ")]
        self.assertGreater(float(dropped[0].split()[1]), 0)

    def test_a_full_disk_does_not_stop_the_service(self):
        workdir = tempfile.mkdtemp(prefix="ac-e2e-")
        with open("/dev/full", "w") as full:
            proc, base = start_service(full, free_port(), workdir)
        self.assertEqual(request("GET", base + "/health").status, 200)
        self.assertEqual(stop(proc), 0)
        shutil.rmtree(workdir)

    def test_a_stuck_stdout_never_stalls_requests(self):
        workdir = tempfile.mkdtemp(prefix="ac-e2e-")
        read_end, write_end = os.pipe()  # nobody reads: 64 KiB and it is full
        try:
            proc, base = start_service(write_end, free_port(), workdir)
            started = time.monotonic()
            for _ in range(1500):  # about 400 KB of access lines
                self.assertEqual(request("GET", base + "/health", timeout=5).status, 200)
            self.assertLess(time.monotonic() - started, 60)
            self.assertEqual(stop(proc, timeout=15), 0)  # exit gives the pipe 2 s, then drops
        finally:
            os.close(read_end)
            os.close(write_end)
            shutil.rmtree(workdir)


class Ready(unittest.TestCase):
    def test_deleted_database_file_is_not_ready(self):
        s = Stack(configured=False, start_sandbox=False)
        try:
            wait_for_ready(s.service.base, 200)
            os.remove(os.path.join(s.dir, "service.db"))
            resp = wait_for_ready(s.service.base, 503)
            self.assertEqual(resp.json()["checks"]["store"], "unavailable")
            self.assertIn("readiness check failed", s.service.log())
        finally:
            s.close()

    def test_database_directory_gone_is_not_ready(self):
        workdir = tempfile.mkdtemp(prefix="ac-e2e-")
        s = Stack(configured=False, start_sandbox=False,
                  service_env={"DATABASE_URL": f"sqlite:///{workdir}/db/service.db"})
        try:
            wait_for_ready(s.service.base, 200)
            shutil.rmtree(os.path.join(workdir, "db"))
            wait_for_ready(s.service.base, 503)
        finally:
            s.close()
            shutil.rmtree(workdir, ignore_errors=True)


class Metrics(unittest.TestCase):
    @unittest.skipUnless(shutil.which("promtool"), "promtool (Debian's prometheus) is not installed")
    def test_prometheus_accepts_the_exposition_and_process_metrics_are_there(self):
        s = Stack(configured=False, start_sandbox=False)
        try:
            request("GET", s.service.base + "/health")
            body = request("GET", s.service.base + "/metrics").body
        finally:
            s.close()
        check = subprocess.run(["promtool", "check", "metrics"], input=body, text=True, capture_output=True)
        # promtool lints names too (e.g. counters named _ms); only a format error fails it.
        self.assertNotIn("error while linting", check.stderr + check.stdout)
        self.assertNotIn("text format parsing error", check.stderr + check.stdout)
        for name in ("process_resident_memory_bytes", "process_cpu_seconds_total", "process_open_fds",
                     "process_max_fds", "process_start_time_seconds"):
            line = [l for l in body.splitlines() if l.startswith(name + " ")]
            self.assertEqual(len(line), 1, name)
            self.assertGreaterEqual(float(line[0].split()[1]), 0 if name == "process_cpu_seconds_total" else 1, name)
        start = float([l for l in body.splitlines() if l.startswith("process_start_time_seconds ")][0].split()[1])
        self.assertLess(abs(start - time.time()), 120)
        self.assertRegex(body, r'audible_connect_build_info\{version="\d+\.\d+\.\d+"\} 1')


    def test_memory_metrics_and_the_thread_cache_bound(self):
        """Where memory goes (docs/OPERATIONS.md, "Memory"): SQLite's share always; tcmalloc's held and
        free bytes, and its thread caches bounded at 8 MiB unless tcmalloc's own variable says otherwise,
        when the binary runs on tcmalloc (not in sanitizer builds)."""
        def metrics(env):
            s = Stack(env, configured=False, start_sandbox=False)
            try:
                body = request("GET", s.service.base + "/metrics").body
            finally:
                s.close()
            return {line.split()[0]: float(line.split()[1]) for line in body.splitlines()
                    if line.startswith(("audible_connect_heap", "audible_connect_sqlite"))}

        default = metrics({})
        self.assertGreater(default["audible_connect_sqlite_memory_bytes"], 0)
        if "audible_connect_heap_allocated_bytes" not in default:
            self.skipTest("not on tcmalloc (a sanitizer build)")
        self.assertEqual(default["audible_connect_heap_thread_cache_limit_bytes"], 8 << 20)
        for cache in ("thread", "central", "transfer", "page_heap"):
            self.assertIn(f'audible_connect_heap_free_bytes{{cache="{cache}"}}', default)
        chosen = metrics({"TCMALLOC_MAX_TOTAL_THREAD_CACHE_BYTES": str(16 << 20)})
        self.assertEqual(chosen["audible_connect_heap_thread_cache_limit_bytes"], 16 << 20)

class CheckConfigConnect(unittest.TestCase):
    def test_token_endpoint_and_client_credentials(self):
        s = Stack()
        try:
            env = {"PATH": os.environ.get("PATH", ""), "PORT": "0",
                   "DATABASE_URL": f"sqlite:///{s.dir}/check.db",
                   "AUDIBLE_TOKEN_ENCRYPTION_KEY": s.key, "JWT_SECRET_KEY": JWT_SECRET,
                   "AUDIBLE_CLIENT_ID": "sandbox-client", "AUDIBLE_CLIENT_SECRET": "sandbox-secret",
                   "AUDIBLE_REDIRECT_URI": "https://app.example/audible/callback",
                   "AUDIBLE_AUTH_URL": s.sandbox.base, "AUDIBLE_API_BASE_URL": s.sandbox.base}
            run = lambda **changes: subprocess.run([harness.SERVICE_BIN, "check-config", "--connect"],
                                                   env={**env, **changes}, capture_output=True, text=True)
            good = run()
            self.assertEqual(good.returncode, 0, good.stdout + good.stderr)
            self.assertIn("token endpoint:    answers, client credentials accepted", good.stdout)
            bad = run(AUDIBLE_CLIENT_SECRET="not-the-secret")
            self.assertEqual(bad.returncode, 1)
            self.assertIn("unusable: AUDIBLE_CLIENT_ID/AUDIBLE_CLIENT_SECRET: the token endpoint", bad.stdout)
            self.assertNotIn("not-the-secret", bad.stdout + bad.stderr)
        finally:
            s.close()


class Disconnect(unittest.TestCase):
    def test_a_failed_delete_leaves_the_tokens_unrevoked(self):
        s = Stack()
        try:
            token = mint("leaving-later")
            _, _, resp = s.connect(token, user="listener-stays")
            self.assertEqual(resp.status, 200, resp.body)
            # Another writer holds the database: the delete cannot land.
            blocker = sqlite3.connect(os.path.join(s.dir, "service.db"), isolation_level=None)
            blocker.execute("BEGIN EXCLUSIVE")
            try:
                resp = s.api("POST", "/disconnect", token=token, timeout=60)
            finally:
                blocker.execute("ROLLBACK")
                blocker.close()
            self.assertGreaterEqual(resp.status, 500, resp.body)
            self.assertTrue(s.api("GET", "/connected", token=token).json()["connected"])
            self.assertEqual(s.sandbox_stats("listener-stays")["active_refresh_tokens"], 1)

            resp = s.api("POST", "/disconnect", token=token)
            self.assertEqual(resp.status, 200, resp.body)
            self.assertEqual(s.sandbox_stats("listener-stays")["active_refresh_tokens"], 0)
        finally:
            s.close()


if __name__ == "__main__":
    unittest.main(verbosity=2)
