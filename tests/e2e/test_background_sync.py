"""The background library sync (issue 13) on two instances sharing PostgreSQL and Redis behind
nginx, with the interval at 3.6 s (AUDIBLE_BACKGROUND_SYNC_HOURS=0.001): an access token about to
expire is refreshed on the way, every connected account is synced about once per interval and
never by both instances at once (the sandbox counts library calls per user, and how many of one
user's were in flight together), an account that needs re-linking is never attempted, a 429 storm
slows the loop and fails nothing for good, and SIGTERM mid-cycle loses nothing. The tests run in
their numbered order on one cluster."""
import time
import unittest

from cluster import Cluster
from harness import mint, request

INTERVAL = 3.6
ACCOUNTS = 50
ENV = {"AUDIBLE_BACKGROUND_SYNC_HOURS": "0.001", "AUDIBLE_BACKGROUND_SYNC_CONCURRENCY": "2",
       "AUDIBLE_RATE_LIMIT_GENERAL_PER_MINUTE": "100000", "AUDIBLE_PROVIDER_CALLS_PER_USER": "1000",
       "AUDIBLE_HTTP_POOL_TIMEOUT_SECONDS": "30"}


def metric(base, name):
    for line in request("GET", base + "/metrics").body.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    raise AssertionError(f"{name} missing")


class BackgroundSync(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cluster = Cluster(instances=2, service_env=ENV)
        cls.listeners = [f"bg-listener-{i}" for i in range(ACCOUNTS)]
        # Made reauth_required by a 401 to its own sync, before any other account is linked, so
        # that the one-shot fault cannot meet a background call.
        cls.relink_token = mint("bg-relink")
        cls.connect(cls.relink_token, "bg-relink-listener")
        cls.cluster.add_fault(path="/1.0/library", status=401, body='{"message":"revoked"}', times=1)
        # 409 audible_reauth_required: the provider refused the user's token.
        assert cls.cluster.api("POST", "/library/sync", token=cls.relink_token).status == 409
        cls.relink_calls = cls.cluster.sandbox_stats("bg-relink-listener")["library_calls"]
        cls.tokens = [mint(f"bg-user-{i}") for i in range(ACCOUNTS)]
        for token, listener in zip(cls.tokens, cls.listeners):
            cls.connect(token, listener)

    @classmethod
    def tearDownClass(cls):
        cls.cluster.close()

    @classmethod
    def connect(cls, token, listener):
        start = cls.cluster.api("POST", "/oauth/authorize", body={}, token=token)
        assert start.status == 200, start.body
        back = cls.cluster.approve(start.json()["auth_url"], listener)
        resp = cls.cluster.api("POST", "/oauth/callback", body=back, token=token)
        assert resp.status == 200, resp.body

    def calls(self):
        return {listener: self.cluster.sandbox_stats(listener) for listener in self.listeners}

    def live_bases(self):
        return [s.base for s in self.cluster.services if s.proc.poll() is None]

    def total(self, name):
        return sum(metric(base, name) for base in self.live_bases())

    def wait_for_every_account_synced_after(self, before, seconds):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            now = self.calls()
            behind = [l for l in self.listeners if now[l]["library_calls"] <= before[l]["library_calls"]]
            if not behind:
                return
            time.sleep(0.2)
        self.fail(f"not synced again within {seconds} s: {behind}")

    def assert_synced_soon(self, token, seconds=10):
        # The sandbox counts the library call before the service has written what it answered.
        deadline = time.monotonic() + seconds
        while True:
            status = self.cluster.api("GET", "/connected", token=token).json()
            if status["sync_status"] == "synced" or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        self.assertEqual(status["sync_status"], "synced")

    def test_0_a_token_about_to_expire_is_refreshed_on_the_way(self):
        self.cluster.sandbox_control("config", access_token_ttl=30)  # within the 60 s margin
        token = mint("bg-expiring")
        self.connect(token, "bg-expiring-listener")
        self.cluster.sandbox_control("config", access_token_ttl=3600)
        refreshes = self.cluster.sandbox_stats()["refreshes"]  # every other token has an hour left
        calls = self.cluster.sandbox_stats("bg-expiring-listener")["library_calls"]
        deadline = time.monotonic() + 3 * INTERVAL
        while self.cluster.sandbox_stats("bg-expiring-listener")["library_calls"] == calls:
            self.assertLess(time.monotonic(), deadline, "not synced in the background")
            time.sleep(0.1)
        self.assertGreaterEqual(self.cluster.sandbox_stats()["refreshes"] - refreshes, 1)
        self.assert_synced_soon(token)

    def test_1_each_account_once_per_interval_never_by_both_instances(self):
        # A slow library widens each sync, so that two at once would overlap at the sandbox.
        self.cluster.add_fault(path="/1.0/library", delay_ms=100)
        try:
            before = self.calls()
            synced_before = [metric(base, "audible_background_sync_synced_total") for base in self.live_bases()]
            time.sleep(3 * INTERVAL)
            after = self.calls()
        finally:
            request("DELETE", self.cluster.sandbox.base + "/_sandbox/faults")
        per_account = {l: after[l]["library_calls"] - before[l]["library_calls"] for l in self.listeners}
        # Three intervals: about three syncs each (the jitter is a tenth of the interval).
        self.assertTrue(all(2 <= n <= 4 for n in per_account.values()), per_account)
        self.assertEqual({after[l]["library_calls_max_in_flight"] for l in self.listeners}, {1})
        synced_after = [metric(base, "audible_background_sync_synced_total") for base in self.live_bases()]
        self.assertTrue(all(a > b for a, b in zip(synced_after, synced_before)),
                        (synced_before, synced_after))  # the work is shared
        self.assertEqual(self.total("audible_background_sync_failed_total"), 0)
        self.assert_synced_soon(self.tokens[0])

    def test_2_an_account_that_needs_relinking_is_never_attempted(self):
        status = self.cluster.api("GET", "/connected", token=self.relink_token).json()
        self.assertEqual(status["sync_status"], "reauth_required")
        # Its last call was the 401 to its own sync, before the other accounts were linked.
        self.assertEqual(self.cluster.sandbox_stats("bg-relink-listener")["library_calls"], self.relink_calls)

    def test_3_a_429_storm_slows_the_loop_and_fails_nothing_for_good(self):
        # Every call is tried four times, a second apart: 16 is enough for a sync to end on a 429.
        storm = 16
        throttled_before = self.total("audible_api_throttled_total")
        failed_before = self.total("audible_background_sync_failed_total")
        self.cluster.add_fault(path="/1.0/library", status=429, headers={"Retry-After": "1"},
                               body='{"message":"slow down"}', times=storm)
        started = time.monotonic()
        while self.total("audible_api_throttled_total") - throttled_before < storm:
            self.assertLess(time.monotonic() - started, 30, "the storm was never used up")
            time.sleep(0.05)
        took = time.monotonic() - started
        # Each call and each instance wait out the Retry-After: at most one 429 per second per
        # sync in flight, at most two syncs per instance.
        self.assertGreaterEqual(took, 2.9, "the loop did not slow down")
        self.assertGreater(self.total("audible_background_sync_deferred_total"), 0)
        self.wait_for_every_account_synced_after(self.calls(), 3 * INTERVAL)
        self.assertEqual(self.total("audible_background_sync_failed_total"), failed_before)
        for token in self.tokens:
            self.assertEqual(self.cluster.api("GET", "/connected", token=token).json()["sync_status"], "synced")

    def test_4_sigterm_mid_cycle_loses_nothing(self):
        # Slow syncs, so that SIGTERM finds some in flight on the instance it stops.
        self.cluster.add_fault(path="/1.0/library", delay_ms=1500)
        stopped = self.cluster.services[0]
        # Once more accounts are due than the four workers hold, every worker is busy, its syncs
        # taking 1.5 s each.
        deadline = time.monotonic() + 2 * INTERVAL
        while metric(stopped.base, "audible_background_sync_due_accounts") < 10:
            self.assertLess(time.monotonic(), deadline, "no backlog")
            time.sleep(0.1)
        time.sleep(0.5)
        self.assertEqual(stopped.stop(), 0)
        request("DELETE", self.cluster.sandbox.base + "/_sandbox/faults")
        log = stopped.log()
        self.assertIn("background library sync stopped", log)
        # The syncs in flight at SIGTERM finished during the drain.
        messages = [e.get("message") for e in stopped.entries()]
        drain = messages.index("shutting down: finishing requests in flight")
        self.assertIn("library synced", messages[drain:])
        for problem in ("could not release its lease", "library write failed"):
            self.assertNotIn(problem, log)
        # No account is left leased to the stopped instance: the other one syncs every account.
        self.wait_for_every_account_synced_after(self.calls(), 3 * INTERVAL)
        for token in self.tokens:
            status = self.cluster.api("GET", "/connected", base=self.cluster.services[1].base, token=token).json()
            self.assertEqual(status["sync_status"], "synced")


if __name__ == "__main__":
    unittest.main()
