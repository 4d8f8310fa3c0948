"""Two instances on one PostgreSQL and one Redis, behind nginx (deploy/nginx/audible-connect.conf):
they behave as one service, and survive Redis and PostgreSQL going away and coming back."""
import threading
import time
import unittest

from cluster import Cluster
from harness import mint, parallel, request

LIMITS = {"AUDIBLE_RATE_LIMIT_GENERAL_PER_MINUTE": "100000", "AUDIBLE_RATE_LIMIT_SEARCH_PER_MINUTE": "100000",
          "AUDIBLE_RATE_LIMIT_CALLBACK_PER_MINUTE": "1000", "AUDIBLE_PROVIDER_CALLS_PER_USER": "1000",
          "AUDIBLE_HTTP_POOL_TIMEOUT_SECONDS": "30"}


class ScaleOut(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cluster = Cluster(instances=2, sandbox_args=["--rotate-refresh-tokens"], service_env=LIMITS)
        cls.a, cls.b = (s.base for s in cls.cluster.services)
        cls.counter = 0

    @classmethod
    def tearDownClass(cls):
        cls.cluster.close()

    def setUp(self):
        request("DELETE", self.cluster.sandbox.base + "/_sandbox/faults")
        self.cluster.sandbox_control("config", access_token_ttl=3600)

    def user(self):
        ScaleOut.counter += 1
        return f"scale-user-{ScaleOut.counter}", f"scale-listener-{ScaleOut.counter}"

    def connect(self, token, listener, authorize_on=None, callback_on=None):
        start = self.cluster.api("POST", "/oauth/authorize", base=authorize_on, body={}, token=token)
        self.assertEqual(start.status, 200, start.body)
        back = self.cluster.approve(start.json()["auth_url"], listener)
        return self.cluster.api("POST", "/oauth/callback", base=callback_on, body=back, token=token)

    def wait_until(self, what, check, seconds=5.0):
        """Polls check() until it is true; fails after `seconds` (the issue's recovery bound)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if check():
                return time.monotonic()
            time.sleep(0.05)
        self.fail(f"{what}: not within {seconds} s")

    def test_authorize_on_one_instance_callback_on_the_other(self):
        user, listener = self.user()
        token = mint(user)
        resp = self.connect(token, listener, authorize_on=self.a, callback_on=self.b)
        self.assertEqual(resp.status, 200, resp.body)
        for base in (self.a, self.b):
            status = self.cluster.api("GET", "/connected", base=base, token=token).json()
            self.assertEqual((status["connected"], status["audible_user_id"]), (True, listener))

    def test_one_state_one_winner_across_instances(self):
        user, listener = self.user()
        token = mint(user)
        start = self.cluster.api("POST", "/oauth/authorize", body={}, token=token).json()
        back = self.cluster.approve(start["auth_url"], listener)
        before = self.cluster.sandbox_stats()["codes_exchanged"]  # the sandbox counts for all users
        bases = [self.a, self.b]
        results = parallel(100, lambda i: self.cluster.api("POST", "/oauth/callback", base=bases[i % 2],
                                                           body=back, token=token).status)
        self.assertEqual(results.count(200), 1, results)
        self.assertEqual(results.count(400), 99, results)
        self.assertEqual(self.cluster.sandbox_stats()["codes_exchanged"] - before, 1)

    def test_authorize_limit_counts_across_instances(self):
        token = mint(self.user()[0])
        statuses = [self.cluster.api("POST", "/oauth/authorize", base=(self.a, self.b)[i % 2], body={},
                                     token=token).status for i in range(10)]
        self.assertEqual(statuses, [200] * 10)
        for base in (self.a, self.b):
            refused = self.cluster.api("POST", "/oauth/authorize", base=base, body={}, token=token)
            self.assertEqual(refused.status, 429, refused.body)
            self.assertEqual(refused.json(), {"detail": "rate_limit_exceeded"})
            self.assertGreaterEqual(int(refused.headers["Retry-After"]), 1)

    def test_concurrent_syncs_refresh_once_across_instances(self):
        user, listener = self.user()
        token = mint(user)
        self.cluster.sandbox_control("library", user=listener, size=5)
        self.cluster.sandbox_control("config", access_token_ttl=1)  # expires within the margin
        self.assertEqual(self.connect(token, listener).status, 200)
        self.cluster.sandbox_control("config", access_token_ttl=3600)
        before = self.cluster.sandbox_stats()["refreshes"]
        bases = [self.a, self.b]
        results = parallel(40, lambda i: self.cluster.api("POST", "/library/sync", base=bases[i % 2],
                                                          token=token))
        self.assertEqual([r.status for r in results], [200] * 40, [r.body for r in results if r.status != 200])
        self.assertEqual(self.cluster.sandbox_stats()["refreshes"] - before, 1)

    def test_a_library_synced_through_one_is_read_through_the_other(self):
        user, listener = self.user()
        token = mint(user)
        self.cluster.sandbox_control("library", user=listener, size=2500)
        self.assertEqual(self.connect(token, listener).status, 200)
        synced = self.cluster.api("POST", "/library/sync", base=self.a, token=token)
        self.assertEqual(synced.status, 200, synced.body)
        self.assertEqual(synced.json()["audiobooks_count"], 2500)
        asins, skip = set(), 0
        while True:
            page = self.cluster.api("GET", f"/library?skip={skip}&limit=100", base=self.b, token=token)
            self.assertEqual(page.status, 200, page.body)
            asins |= {book["asin"] for book in page.json()}
            if len(page.json()) < 100:
                break
            skip += 100
        self.assertEqual(len(asins), 2500)

    def test_a_sync_during_a_refresh_does_not_lose_the_rotated_token(self):
        # The scale-out issue's reproduction: sync A starts with a fresh token and is slow at the
        # library; sync B starts later, refreshes (rotating the refresh token) and is slow at the
        # token endpoint; A's bookkeeping lands while B's refresh is in flight.
        user, listener = self.user()
        token = mint(user)
        self.cluster.sandbox_control("config", access_token_ttl=61)
        self.assertEqual(self.connect(token, listener).status, 200)
        before = self.cluster.sandbox_stats()["refreshes"]
        self.cluster.add_fault(path="/1.0/library", delay_ms=3000, times=1)
        self.cluster.add_fault(path="/token", delay_ms=3000, times=1)
        results = {}

        def sync(name, base):
            results[name] = self.cluster.api("POST", "/library/sync", base=base, token=token)

        first = threading.Thread(target=sync, args=("a", self.a))
        first.start()
        time.sleep(1.6)  # now the token expires within the 60 s margin
        second = threading.Thread(target=sync, args=("b", self.b))
        second.start()
        first.join()
        second.join()
        self.assertEqual((results["a"].status, results["b"].status), (200, 200),
                         (results["a"].body, results["b"].body))
        self.assertEqual(self.cluster.sandbox_stats()["refreshes"] - before, 1)
        self.cluster.sandbox_control("config", access_token_ttl=1)
        time.sleep(0.1)
        again = self.cluster.api("POST", "/library/sync", token=token)
        self.assertEqual(again.status, 200, again.body)
        status = self.cluster.api("GET", "/connected", token=token).json()
        self.assertEqual(status["sync_status"], "synced")

    def test_z1_redis_down_then_back(self):
        token = mint(self.user()[0])
        self.cluster.redis.stop()
        try:
            for base in (self.a, self.b):
                refused = self.cluster.api("POST", "/oauth/authorize", base=base, body={}, token=token)
                self.assertEqual((refused.status, refused.json()), (503, {"detail": "audible_service_unavailable"}))
                # /ready reads a probe that runs every second.
                self.wait_until("/ready 503 while Redis is down", lambda: request("GET", base + "/ready").status == 503)
                # Rate limits fall back to local counting: routes without states still answer.
                self.assertEqual(self.cluster.api("GET", "/connected", base=base, token=token).status, 200)
        finally:
            self.cluster.redis.start()
        for base in (self.a, self.b):
            self.wait_until("authorize after Redis came back", lambda: self.cluster.api(
                "POST", "/oauth/authorize", base=base, body={}, token=token).status == 200)
            self.wait_until("/ready after Redis came back", lambda: request("GET", base + "/ready").status == 200)

    def test_z2_postgres_restart_under_load(self):
        user, listener = self.user()
        token = mint(user)
        self.cluster.sandbox_control("library", user=listener, size=1000)
        self.assertEqual(self.connect(token, listener).status, 200)
        self.assertEqual(self.cluster.api("POST", "/library/sync", token=token).status, 200)
        seen, stop = [], threading.Event()

        def load():
            while not stop.is_set():
                for path, method in (("/library/sync", "POST"), ("/connected", "GET"), ("/library?limit=5", "GET")):
                    resp = self.cluster.api(method, path, token=token)
                    seen.append((resp.status, resp.body if resp.status != 200 else ""))

        workers = [threading.Thread(target=load) for _ in range(4)]
        for w in workers:
            w.start()
        try:
            time.sleep(0.5)
            self.cluster.postgres.stop()
            down = self.cluster.api("GET", "/connected", token=token)
            self.assertEqual((down.status, down.json()), (503, {"detail": "audible_service_unavailable"}))
            for base in (self.a, self.b):
                self.wait_until("/ready 503 while PostgreSQL is down",
                                lambda: request("GET", base + "/ready").status == 503)
        finally:
            self.cluster.postgres.start()
        for base in (self.a, self.b):
            self.wait_until("/connected after PostgreSQL came back",
                            lambda: self.cluster.api("GET", "/connected", base=base, token=token).status == 200)
            self.wait_until("/ready after PostgreSQL came back", lambda: request("GET", base + "/ready").status == 200)
        stop.set()
        for w in workers:
            w.join()
        statuses = {status for status, _ in seen}
        self.assertLessEqual(statuses, {200, 503}, [s for s in seen if s[0] not in (200, 503)][:5])
        self.assertIn(503, statuses)
        for status, body in seen:
            if status == 503:
                self.assertEqual(body, '{"detail":"audible_service_unavailable"}')
        # Nothing half-written: the library is whole.
        self.assertEqual(self.cluster.api("POST", "/library/sync", token=token).json()["audiobooks_count"], 1000)
        count, skip = 0, 0
        while True:
            page = self.cluster.api("GET", f"/library?skip={skip}&limit=100", token=token).json()
            count += len(page)
            if len(page) < 100:
                break
            skip += 100
        self.assertEqual(count, 1000)


if __name__ == "__main__":
    unittest.main()
