"""Hardening against one client costing everyone (issue 11, part a), through the real binaries:
a slow provider, many idle connections under a low descriptor limit, oversized headers, failed
authentications per client address, and /metrics on a listener of its own (METRICS_PORT)."""
import json
import resource
import socket
import time
import unittest
import urllib.request

from harness import API, Stack, mint, parallel, raw_http, request


def timed(fn):
    start = time.monotonic()
    result = fn()
    return result, time.monotonic() - start


def log_entries(process):
    entries = []
    for line in process.log().splitlines():
        try:
            entries.append(json.loads(line))
        except ValueError:
            pass
    return entries


def message_of(entry):
    return entry.get("message", entry.get("msg", ""))


def away_from_minute_end():
    """Windows are whole minutes: start a test of per-minute counts well inside one."""
    if time.time() % 60 > 45:
        time.sleep(61 - time.time() % 60)


class SlowProvider(unittest.TestCase):
    def test_searches_against_a_slow_provider_do_not_delay_other_users(self):
        stack = Stack({"AUDIBLE_HTTP_TIMEOUT_SECONDS": "3", "AUDIBLE_RATE_LIMIT_SEARCH_PER_MINUTE": "1000"})
        try:
            stack.add_fault(path="/1.0/catalog/products", delay_ms=4000)
            greedy, patient = mint("greedy"), mint("patient")
            latencies = {}

            def run(i):
                if i < 16:
                    resp = stack.api("GET", f"/search?q=slow+book+{i}", token=greedy, timeout=120)
                    return resp.status, resp.headers.get("Retry-After")
                time.sleep(0.5)  # the searches hold the provider by now
                for name, call in (("connected", lambda: stack.api("GET", "/connected", token=patient)),
                                   ("ready", lambda: request("GET", stack.service.base + "/ready")),
                                   ("health", lambda: request("GET", stack.service.base + "/health"))):
                    resp, latencies[name] = timed(call)
                    self.assertEqual(resp.status, 200, (name, resp.body))
                return None

            results = parallel(17, run)[:16]
            for name, seconds in latencies.items():
                self.assertLess(seconds, 1.0, f"{name} took {seconds:.2f} s behind the slow searches")
            # One user has at most AUDIBLE_PROVIDER_CALLS_PER_USER (4) provider calls in flight.
            limited = [r for r in results if r[0] == 429]
            self.assertEqual(len(limited), 12, results)
            self.assertTrue(all(r[1] == "1" for r in limited), results)
            self.assertTrue(all(r[0] == 503 for r in results if r[0] != 429), results)
        finally:
            stack.close()


class ConnectionCap(unittest.TestCase):
    def test_health_answers_with_many_idle_connections_under_a_low_fd_limit(self):
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (256, hard))  # inherited by the service
        try:
            stack = Stack()
        finally:
            resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
        idle = []
        try:
            for _ in range(400):
                idle.append(socket.create_connection(("127.0.0.1", stack.service.port), timeout=5))
            time.sleep(0.5)
            resp, seconds = timed(lambda: request("GET", stack.service.base + "/health", timeout=5))
            self.assertEqual(resp.status, 200)
            self.assertLess(seconds, 2.0)
            # Connections that never send a request are closed after a short while.
            time.sleep(11)
            idle[-1].settimeout(2)
            self.assertEqual(idle[-1].recv(1), b"")
            entries = log_entries(stack.service)
            listening = [e for e in entries if message_of(e) == "listening"][0]
            self.assertLess(listening["max_connections"], 256)
            # Connections are counted as they are accepted, so a burst stays within the cap and
            # never runs the process out of descriptors (it did, once per run, when they were
            # counted only as their sessions started).
            self.assertEqual([e for e in entries if message_of(e) == "accept failed"], [])
        finally:
            for sock in idle:
                sock.close()
            stack.close()


class Limits(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.stack = Stack({"AUDIBLE_RATE_LIMIT_AUTH_FAILURES_PER_MINUTE": "5"})

    @classmethod
    def tearDownClass(cls):
        cls.stack.close()

    def test_oversized_headers_are_431(self):
        reply = raw_http(self.stack.service.port,
                         b"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n")
        self.assertTrue(reply.startswith("HTTP/1.1 431"), reply[:200])
        self.assertIn('{"detail":"request_header_fields_too_large"}', reply)
        self.assertIn("X-Frame-Options: DENY", reply)

    def test_failed_authentications_are_limited_per_client_address(self):
        away_from_minute_end()
        s = self.stack

        def junk(address, token="junk.token.here"):
            return s.api("GET", "/connected", token=token, headers={"X-Forwarded-For": address})

        self.assertEqual([junk("203.0.113.7").status for _ in range(5)], [401] * 5)
        refused = junk("203.0.113.7")
        self.assertEqual((refused.status, refused.json()), (429, {"detail": "rate_limit_exceeded"}))
        self.assertTrue(1 <= int(refused.headers["Retry-After"]) <= 60)
        # Until the minute ends, even good credentials from there are not looked at.
        self.assertEqual(junk("203.0.113.7", mint("behind-it")).status, 429)
        # What a client writes to the left of what the proxy added is not believed.
        self.assertEqual(junk("198.18.0.1, 203.0.113.7").status, 429)
        # Another address has its own budget, and good credentials pass there.
        self.assertEqual(junk("203.0.113.8").status, 401)
        self.assertEqual(junk("203.0.113.8", mint("elsewhere")).status, 200)

    def test_repeated_refusals_are_sampled_in_the_log(self):
        away_from_minute_end()
        for _ in range(30):
            self.stack.api("GET", "/connected", token="junk", headers={"X-Forwarded-For": "198.51.100.9"})
        mine = [e for e in log_entries(self.stack.service) if e.get("client") == "198.51.100.9"]
        refused = [e for e in mine if message_of(e) == "credentials refused"]
        self.assertEqual(len(refused), 5, mine)
        self.assertLessEqual(len(mine), 8, mine)

    def test_forwarded_for_is_ignored_from_untrusted_peers(self):
        away_from_minute_end()
        stack = Stack({"AUDIBLE_RATE_LIMIT_AUTH_FAILURES_PER_MINUTE": "3", "FORWARDED_ALLOW_IPS": "192.0.2.1"},
                      start_sandbox=False, configured=False)
        try:
            statuses = [stack.api("GET", "/connected", token="junk",
                                  headers={"X-Forwarded-For": f"203.0.113.{i}"}).status for i in range(5)]
            self.assertEqual(statuses, [401, 401, 401, 429, 429])
        finally:
            stack.close()


class MetricsPort(unittest.TestCase):
    def test_metrics_on_their_own_listener_only(self):
        stack = Stack({"METRICS_PORT": "0"}, start_sandbox=False, configured=False)
        try:
            self.assertEqual(request("GET", stack.service.base + "/health").status, 200)
            lines = [e for e in log_entries(stack.service) if message_of(e) == "serving /metrics"]
            self.assertEqual(len(lines), 1, stack.service.log())
            metrics_base = f"http://127.0.0.1:{lines[0]['metrics_port']}"
            metrics = request("GET", metrics_base + "/metrics")
            self.assertEqual(metrics.status, 200)
            self.assertTrue(metrics.headers["Content-Type"].startswith("text/plain"))
            self.assertIn('http_requests_total{route="/health",status="200"}', metrics.body)
            for path in ("/health", "/ready", "/openapi.json", API + "/connected"):
                self.assertEqual(request("GET", metrics_base + path).status, 404, path)
            self.assertEqual(request("POST", metrics_base + "/metrics").status, 405)
            # The main listener no longer serves them, nor documents them.
            self.assertEqual(request("GET", stack.service.base + "/metrics").status, 404)
            self.assertEqual(request("GET", stack.service.base + "//metrics").status, 404)
            doc = request("GET", stack.service.base + "/openapi.json").json()
            self.assertNotIn("/metrics", doc["paths"])
        finally:
            stack.close()

    def test_without_metrics_port_the_main_listener_serves_them(self):
        stack = Stack(start_sandbox=False, configured=False)
        try:
            self.assertEqual(request("GET", stack.service.base + "/metrics").status, 200)
        finally:
            stack.close()


if __name__ == "__main__":
    unittest.main()
