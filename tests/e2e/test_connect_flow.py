"""The whole link flow through the real binaries: authorize, the sandbox's approval, callback,
connected, disconnect (revoked at the sandbox)."""
import sqlite3
import unittest

from cryptography.fernet import Fernet

from harness import Stack, mint, parallel


class ConnectFlow(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # Many concurrent callbacks of one user on purpose: the per-user provider bound set aside.
        cls.stack = Stack({"AUDIBLE_RATE_LIMIT_CALLBACK_PER_MINUTE": "1000", "AUDIBLE_PROVIDER_CALLS_PER_USER": "1000",
                           "AUDIBLE_HTTP_POOL_TIMEOUT_SECONDS": "30"})

    @classmethod
    def tearDownClass(cls):
        cls.stack.close()

    def stored_account(self, user_id):
        db = sqlite3.connect(f"{self.stack.dir}/service.db")
        try:
            db.row_factory = sqlite3.Row
            return db.execute("SELECT * FROM accounts WHERE user_id = ?", (user_id,)).fetchone()
        finally:
            db.close()

    def run_flow(self, token, user_id, audible_user):
        s = self.stack
        self.assertEqual(s.api("GET", "/connected", token=token).json(), {"connected": False})
        start, back, resp = s.connect(token, user=audible_user)
        self.assertEqual(resp.status, 200, resp.body)
        self.assertEqual(resp.json(), {"status": "connected", "audible_user_id": audible_user, "synced_at": None})

        self.assertEqual(start["code_challenge_method"], "S256")
        self.assertEqual(len(start["state"]), 43)
        self.assertIn("code_challenge=" + start["code_challenge"], start["auth_url"])
        self.assertIn("redirect_uri=https%3A%2F%2Fapp.example%2Faudible%2Fcallback", start["auth_url"])
        self.assertIn("scope=library%20profile", start["auth_url"])

        status = s.api("GET", "/connected", token=token).json()
        self.assertTrue(status["connected"])
        self.assertEqual(status["audible_user_id"], audible_user)
        self.assertEqual(status["sync_status"], "never_synced")
        self.assertIsNone(status["synced_at"])
        self.assertIsNone(status["last_sync_error"])
        self.assertRegex(status["connected_at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.assertEqual(s.sandbox_stats(audible_user)["active_refresh_tokens"], 1)

        # The tokens at rest are Fernet tokens that Python's cryptography opens with our key.
        row = self.stored_account(user_id)
        fernet = Fernet(s.key.encode())
        access = fernet.decrypt(row["access_token"].encode()).decode()
        refresh = fernet.decrypt(row["refresh_token"].encode()).decode()
        self.assertTrue(access.startswith("Atna|sandbox-access-"))
        self.assertTrue(refresh.startswith("Atnr|sandbox-refresh-"))

        resp = s.api("POST", "/disconnect", token=token)
        self.assertEqual((resp.status, resp.json()), (200, {"status": "disconnected"}))
        self.assertEqual(s.sandbox_stats(audible_user)["active_refresh_tokens"], 0)
        self.assertIsNone(self.stored_account(user_id))
        self.assertEqual(s.api("GET", "/connected", token=token).json(), {"connected": False})
        resp = s.api("POST", "/disconnect", token=token)
        self.assertEqual((resp.status, resp.json()), (404, {"detail": "No Audible account connected"}))

        # Nothing secret reached the log: not the tokens, the code, the verifier's challenge's
        # counterpart, the state, the client secret or the encryption key.
        log = s.service.log()
        for secret in (access, refresh, back["code"], start["state"], "sandbox-secret", s.key):
            self.assertNotIn(secret, log)
        return start

    def test_premium_user(self):
        self.run_flow(mint("premium-user", "premium"), "premium-user", "listener-premium")

    def test_family_user(self):
        self.run_flow(mint("family-user", "family"), "family-user", "listener-family")

    def test_admin_with_basic_tier(self):
        self.run_flow(mint("admin-user", "basic", role="admin"), "admin-user", "listener-admin")
        self.run_flow(mint("super-user", None, roles=["viewer", "super_admin"]), "super-user", "listener-super")

    def test_reconnect_replaces_the_account(self):
        token = mint("reconnecting-user")
        s = self.stack
        self.assertEqual(s.connect(token, user="first")[2].status, 200)
        self.assertEqual(s.connect(token, user="second")[2].status, 200)
        self.assertEqual(s.api("GET", "/connected", token=token).json()["audible_user_id"], "second")
        self.assertEqual(self.stored_account("reconnecting-user")["version"], 2)
        s.api("POST", "/disconnect", token=token)

    def test_fifty_concurrent_callbacks_one_state(self):
        s = self.stack
        token = mint("racing-user")
        start = s.authorize(token)
        back = s.approve(start["auth_url"], user="racer")
        exchanges_before = s.sandbox_stats()["token_requests"]
        statuses = parallel(50, lambda i: s.api("POST", "/oauth/callback", body=back, token=token).status)
        self.assertEqual(statuses.count(200), 1, statuses)
        self.assertEqual(statuses.count(400), 49, statuses)
        # Only the winner got as far as the provider: the code was sent once.
        self.assertEqual(s.sandbox_stats()["token_requests"] - exchanges_before, 1)
        s.api("POST", "/disconnect", token=token)


if __name__ == "__main__":
    unittest.main(verbosity=2)
