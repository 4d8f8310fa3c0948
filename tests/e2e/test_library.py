"""Library sync, the stored library, catalog search, details and play URLs against the sandbox's
Audible API, with its faults."""
import sqlite3
import time
import unittest

from cryptography.fernet import Fernet

from harness import Stack, mint, parallel

INT_PARSING = "Input should be a valid integer, unable to parse string as an integer"


def invalid(type_, name, msg, input_):
    """One item of FastAPI's 422 list for a query parameter."""
    return {"type": type_, "loc": ["query", name], "msg": msg, "input": input_}

LIMITS = {"AUDIBLE_RATE_LIMIT_GENERAL_PER_MINUTE": "100000", "AUDIBLE_RATE_LIMIT_SEARCH_PER_MINUTE": "100000",
          "AUDIBLE_RATE_LIMIT_CALLBACK_PER_MINUTE": "1000", "AUDIBLE_RATE_LIMIT_PER_MINUTE": "1000",
          # Many concurrent syncs of one user on purpose (refresh single flight).
          "AUDIBLE_PROVIDER_CALLS_PER_USER": "1000",
          "AUDIBLE_HTTP_POOL_TIMEOUT_SECONDS": "30"}


class Library(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.stack = Stack(LIMITS, sandbox_args=["--rotate-refresh-tokens"])
        cls.counter = 0

    @classmethod
    def tearDownClass(cls):
        cls.stack.close()

    def connected_user(self, library_size=None):
        """A fresh platform user linked to a fresh sandbox listener; returns (token, listener)."""
        Library.counter += 1
        user, listener = f"lib-user-{Library.counter}", f"listener-{Library.counter}"
        if library_size is not None:
            self.stack.sandbox_control("library", user=listener, size=library_size)
        token = mint(user)
        self.assertEqual(self.stack.connect(token, user=listener)[2].status, 200)
        return token, listener

    def sync(self, token):
        return self.stack.api("POST", "/library/sync", token=token)

    def whole_library(self, token):
        books, skip = [], 0
        while True:
            page = self.stack.api("GET", f"/library?skip={skip}&limit=100", token=token)
            self.assertEqual(page.status, 200, page.body)
            books += page.json()
            if len(page.json()) < 100:
                return books
            skip += 100

    def test_sync_sizes(self):
        for size in (0, 1, 999, 1000, 1001):
            with self.subTest(size=size):
                token, _ = self.connected_user(size)
                resp = self.sync(token)
                self.assertEqual(resp.status, 200, resp.body)
                body = resp.json()
                self.assertEqual((body["status"], body["audiobooks_count"]), ("synced", size))
                self.assertRegex(body["synced_at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
                books = self.whole_library(token)
                self.assertEqual(len(books), size)
                self.assertEqual(len({b["asin"] for b in books}), size)
                status = self.stack.api("GET", "/connected", token=token).json()
                self.assertEqual((status["sync_status"], status["last_sync_error"]), ("synced", None))
                self.assertEqual(status["synced_at"], body["synced_at"])

    def test_ten_thousand_items_and_the_cap(self):
        token, listener = self.connected_user(10000)
        resp = self.sync(token)
        self.assertEqual(resp.json()["audiobooks_count"], 10000, resp.body)
        token, _ = self.connected_user(10500)
        self.assertEqual(self.sync(token).json()["audiobooks_count"], 10000)

    def test_items_map_to_audiobooks_newest_first(self):
        token, _ = self.connected_user(30)
        self.sync(token)
        page = self.stack.api("GET", "/library?limit=5", token=token).json()
        self.assertEqual(len(page), 5)
        book = page[0]
        self.assertEqual(set(book), {"asin", "title", "author", "narrator", "image", "description",
                                     "duration_minutes", "rating", "is_owned", "source"})
        self.assertRegex(book["asin"], r"^[A-Z0-9]{10}$")
        self.assertIn(", ", book["narrator"])
        self.assertTrue(book["image"].endswith("._SL500_.jpg"))
        self.assertIsInstance(book["duration_minutes"], int)
        self.assertIsInstance(book["rating"], float)
        self.assertTrue(book["is_owned"])
        self.assertEqual(book["source"], "audible")
        rest = self.stack.api("GET", "/library?skip=5&limit=100", token=token).json()
        self.assertEqual(len(rest), 25)
        self.assertEqual([b["asin"] for b in page + rest], [b["asin"] for b in self.whole_library(token)])

    def test_incremental_sync_adds_and_revokes(self):
        token, listener = self.connected_user(10)
        self.sync(token)
        before = {b["asin"] for b in self.whole_library(token)}
        seen = self.stack.sandbox_stats()["requests_started"]
        self.stack.sandbox_control("library", user=listener, add=3)
        self.stack.sandbox_control("library", user=listener, revoke=2)
        resp = self.sync(token)
        self.assertEqual(resp.json()["audiobooks_count"], 11, resp.body)
        after = {b["asin"] for b in self.whole_library(token)}
        self.assertEqual(len(after - before), 1)   # 3 added, the 2 newest of them revoked
        self.assertEqual(len(before - after), 0)
        # One library page was enough: only the changes came back.
        self.assertEqual(self.stack.sandbox_stats()["requests_started"] - seen, 1)
        db = sqlite3.connect(f"{self.stack.dir}/service.db")
        state_token = db.execute("SELECT library_state_token FROM accounts WHERE user_id = ?",
                                 (f"lib-user-{Library.counter}",)).fetchone()[0]
        db.close()
        self.assertTrue(state_token.startswith("sandbox-v"))

    def test_fault_in_the_middle_keeps_the_old_library(self):
        token, listener = self.connected_user(2500)
        self.assertEqual(self.sync(token).json()["audiobooks_count"], 2500)
        self.stack.sandbox_control("library", user=listener, size=2600)
        # A fresh full sync: forget the state token by reconnecting is not needed; the sandbox's
        # resized library starts a new history, so ask for pages and break the second one.
        db = sqlite3.connect(f"{self.stack.dir}/service.db")
        db.execute("UPDATE accounts SET library_state_token = NULL WHERE user_id = ?", (f"lib-user-{Library.counter}",))
        db.commit()
        db.close()
        self.stack.add_fault(path="/1.0/library", status=500, body="boom", after=1, times=4)
        resp = self.sync(token)
        self.assertEqual((resp.status, resp.json()), (503, {"detail": "audible_service_unavailable"}))
        self.assertEqual(len(self.whole_library(token)), 2500)
        status = self.stack.api("GET", "/connected", token=token).json()
        self.assertEqual(status["sync_status"], "failed")
        self.assertEqual(status["last_sync_error"], "Audible service unavailable")
        self.assertEqual(self.sync(token).json()["audiobooks_count"], 2600)

    def test_401_means_reauth_required_never_an_empty_library(self):
        token, _ = self.connected_user(5)
        self.sync(token)
        self.stack.add_fault(path="/1.0/library", status=401, body='{"message":"revoked"}', times=1)
        resp = self.sync(token)
        self.assertEqual((resp.status, resp.json()), (409, {"detail": "audible_reauth_required"}))
        status = self.stack.api("GET", "/connected", token=token).json()
        self.assertEqual(status["sync_status"], "reauth_required")
        self.assertEqual(len(self.whole_library(token)), 5)

    def test_retries_transient_failures(self):
        token, _ = self.connected_user(3)
        for fault in ({"status": 503, "body": "<html>busy</html>", "content_type": "text/html", "times": 2},
                      {"status": 429, "headers": {"Retry-After": "1"}, "times": 1},
                      {"drop": True, "times": 1}):
            with self.subTest(fault=fault):
                self.stack.add_fault(path="/1.0/library", **fault)
                start = time.monotonic()
                resp = self.sync(token)
                self.assertEqual(resp.status, 200, resp.body)
                if fault.get("status") == 429:
                    self.assertGreaterEqual(time.monotonic() - start, 0.9)

    def test_not_connected(self):
        token = mint("never-linked")
        self.assertEqual(self.sync(token).json(), {"detail": "Audible account not connected"})
        resp = self.stack.api("GET", "/library", token=token)
        self.assertEqual((resp.status, resp.json()), (400, {"detail": "Audible account not connected"}))

    def test_library_parameters(self):
        token, _ = self.connected_user(3)
        for query, item in (
                ("limit=0", invalid("greater_than_equal", "limit", "Input should be greater than or equal to 1", "0")),
                ("limit=101", invalid("less_than_equal", "limit", "Input should be less than or equal to 100", "101")),
                ("limit=x", invalid("int_parsing", "limit", INT_PARSING, "x")),
                ("skip=-1", invalid("greater_than_equal", "skip", "Input should be greater than or equal to 0", "-1")),
                ("skip=1.5", invalid("int_parsing", "skip", INT_PARSING, "1.5")),
                # The last value counts, as in Starlette.
                ("limit=1&limit=1000", invalid("less_than_equal", "limit", "Input should be less than or equal to 100", "1000")),
                ("limit=%zz", invalid("int_parsing", "limit", INT_PARSING, "%zz"))):
            resp = self.stack.api("GET", "/library?" + query, token=token)
            self.assertEqual((resp.status, resp.json()), (422, {"detail": [item]}), query)
        # Every failing parameter at once, in declaration order.
        resp = self.stack.api("GET", "/library?limit=0&skip=x", token=token)
        self.assertEqual(resp.json(), {"detail": [invalid("int_parsing", "skip", INT_PARSING, "x"),
                                                  invalid("greater_than_equal", "limit",
                                                          "Input should be greater than or equal to 1", "0")]})
        self.sync(token)
        self.assertEqual(len(self.stack.api("GET", "/library?limit=1000&limit=2", token=token).json()), 2)
        self.assertEqual(len(self.stack.api("GET", "/library?skip=99999999999999999999", token=token).json()), 0)


class Refresh(unittest.TestCase):
    def setUp(self):
        self.stack = Stack(LIMITS, sandbox_args=["--rotate-refresh-tokens"])
        self.addCleanup(self.stack.close)

    def connect_expired(self, user):
        """Links `user` with an access token (30 s) that is already inside the 60 s refresh margin."""
        self.stack.sandbox_control("config", access_token_ttl=30)
        token = mint(user)
        self.assertEqual(self.stack.connect(token, user="listener-" + user)[2].status, 200)
        self.stack.sandbox_control("config", access_token_ttl=3600)
        return token

    def stored_tokens(self, user):
        db = sqlite3.connect(f"{self.stack.dir}/service.db")
        row = db.execute("SELECT access_token, refresh_token FROM accounts WHERE user_id = ?", (user,)).fetchone()
        db.close()
        fernet = Fernet(self.stack.key.encode())
        return tuple(fernet.decrypt(v.encode()).decode() for v in row)

    def test_twenty_concurrent_syncs_one_refresh(self):
        token = self.connect_expired("crowd")
        before = self.stack.sandbox_stats()["refreshes"]
        statuses = parallel(20, lambda i: self.stack.api("POST", "/library/sync", token=token).status)
        self.assertEqual(statuses, [200] * 20)
        self.assertEqual(self.stack.sandbox_stats()["refreshes"] - before, 1)

    def test_two_refreshes_in_a_row_with_rotation(self):
        token = self.connect_expired("rotator")
        _, first_refresh = self.stored_tokens("rotator")
        self.stack.sandbox_control("config", access_token_ttl=30)
        self.assertEqual(self.stack.api("POST", "/library/sync", token=token).status, 200)
        access_1, refresh_1 = self.stored_tokens("rotator")
        self.assertNotEqual(refresh_1, first_refresh)
        self.assertEqual(self.stack.api("POST", "/library/sync", token=token).status, 200)
        access_2, refresh_2 = self.stored_tokens("rotator")
        self.assertNotEqual(refresh_2, refresh_1)
        self.assertNotEqual(access_2, access_1)
        self.assertEqual(self.stack.sandbox_stats()["refreshes"], 2)
        self.assertEqual(self.stack.sandbox_stats("listener-rotator")["active_refresh_tokens"], 1)
        log = self.stack.service.log()
        for secret in (first_refresh, refresh_1, refresh_2, access_1, access_2):
            self.assertNotIn(secret, log)

    def test_invalid_grant_sets_reauth_required(self):
        token = self.connect_expired("refused")
        self.stack.add_fault(path="/token", status=400, body='{"error":"invalid_grant"}', times=1)
        resp = self.stack.api("POST", "/library/sync", token=token)
        # Not an outage: the user must link again, and the frontend can tell.
        self.assertEqual((resp.status, resp.json()), (409, {"detail": "audible_reauth_required"}))
        status = self.stack.api("GET", "/connected", token=token).json()
        self.assertEqual((status["sync_status"], status["last_sync_error"]), ("reauth_required", "Token refresh failed"))
        metrics = self.stack.service.log()  # the failure is logged without the token
        self.assertIn("token refresh failed", metrics)


class Catalog(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.stack = Stack(LIMITS, sandbox_args=["--library-size", "40"])
        cls.token = mint("reader")
        assert cls.stack.connect(cls.token, user="catalog-listener")[2].status == 200
        assert cls.stack.api("POST", "/library/sync", token=cls.token).status == 200

    @classmethod
    def tearDownClass(cls):
        cls.stack.close()

    def api(self, path):
        return self.stack.api("GET", path, token=self.token)

    def test_search_marks_owned_books_and_is_cached(self):
        owned = self.api("/library?limit=1").json()[0]
        resp = self.api("/search?q=" + owned["title"].replace(" ", "+") + "&limit=50")
        self.assertEqual(resp.status, 200, resp.body)
        results = resp.json()
        hit = [b for b in results if b["asin"] == owned["asin"]]
        self.assertEqual(len(hit), 1)
        self.assertTrue(hit[0]["is_owned"])
        self.assertTrue(all(set(b) >= {"asin", "title", "author", "is_owned", "source"} for b in results))
        seen = self.stack.sandbox_stats()["requests_started"]
        self.assertEqual(self.api("/search?q=" + owned["title"].replace(" ", "+") + "&limit=50").json(), results)
        self.assertEqual(self.stack.sandbox_stats()["requests_started"], seen)

    def test_search_limits_and_validation(self):
        self.assertLessEqual(len(self.api("/search?q=silent&limit=3").json()), 3)
        self.assertEqual(self.api("/search?q=zzqqxx").json(), [])
        for q in ("", "a", "+a+"):
            resp = self.api("/search?q=" + q)
            self.assertEqual((resp.status, resp.json()), (400, {"detail": "Search query must be at least 2 characters"}))
        for limit, item in (("0", invalid("greater_than_equal", "limit", "Input should be greater than or equal to 1", "0")),
                            ("51", invalid("less_than_equal", "limit", "Input should be less than or equal to 50", "51")),
                            ("ten", invalid("int_parsing", "limit", INT_PARSING, "ten"))):
            resp = self.api("/search?q=silent&limit=" + limit)
            self.assertEqual((resp.status, resp.json()), (422, {"detail": [item]}))
        # Parameters are checked before the handler's own 400.
        self.assertEqual(self.api("/search?q=a&limit=0").status, 422)
        resp = self.api("/search")
        self.assertEqual((resp.status, resp.json()),
                         (422, {"detail": [{"type": "missing", "loc": ["query", "q"], "msg": "Field required", "input": None}]}))
        resp = self.api("/search?q=" + "x" * 201)
        self.assertEqual(resp.json(), {"detail": [invalid("string_too_long", "q", "String should have at most 200 characters",
                                                          "x" * 201)]})

    def test_search_counts_characters_not_bytes(self):
        self.assertEqual(self.api("/search?q=%C3%A9%C3%A9").status, 200)   # "éé": 2 characters, 4 bytes
        self.assertEqual(self.api("/search?q=" + "%C3%A9" * 200).status, 200)  # 200 characters, 400 bytes
        resp = self.api("/search?q=%C3%A9")  # "é": 1 character, 2 bytes
        self.assertEqual((resp.status, resp.json()), (400, {"detail": "Search query must be at least 2 characters"}))

    def test_search_provider_failure(self):
        self.stack.add_fault(path="/1.0/catalog/products", status=500, body="down", times=4)
        resp = self.api("/search?q=uncached+words")
        self.assertEqual((resp.status, resp.json()), (503, {"detail": "audible_service_unavailable"}))

    def test_concurrent_misses_of_one_search_make_one_provider_call(self):
        # One provider connection, held 1.5 s by a slow answer, and a 1 s wait for it: were each
        # miss to make its own call, all but the first would answer 503 (the soak's 503s when the
        # popular searches expired together).
        stack = Stack({**LIMITS, "AUDIBLE_HTTP_MAX_CONNECTIONS": "1",
                       "AUDIBLE_HTTP_KEEPALIVE_CONNECTIONS": "1", "AUDIBLE_HTTP_POOL_TIMEOUT_SECONDS": "1"})
        try:
            stack.add_fault(path="/1.0/catalog/products", delay_ms=1500)
            tokens = [mint(f"stampede-{i}") for i in range(6)]
            statuses = parallel(6, lambda i: stack.api("GET", "/search?q=popular+book", token=tokens[i]).status)
            self.assertEqual(statuses, [200] * 6)
        finally:
            stack.close()

    def test_details(self):
        owned = self.api("/library?limit=1").json()[0]
        resp = self.api(f"/{owned['asin']}/details")
        self.assertEqual(resp.status, 200, resp.body)
        self.assertEqual(resp.json()["title"], owned["title"])
        self.assertTrue(resp.json()["is_owned"])
        resp = self.api("/B000000000/details")
        self.assertEqual((resp.status, resp.json()), (404, {"detail": "audiobook_not_found"}))
        for bad in ("b0abcdefgh", "SHORT", "B0ABCDEFGHI", "B0ABCDEF%2F"):
            resp = self.api(f"/{bad}/details")
            self.assertEqual((resp.status, resp.json()), (400, {"detail": "invalid_asin"}), bad)
        # More drops than attempts: libcurl itself retries once when a reused connection dies.
        self.stack.add_fault(path="/1.0/catalog/products/B0FAULTED1", drop=True, times=20)
        resp = self.api("/B0FAULTED1/details")
        self.assertEqual((resp.status, resp.json()), (503, {"detail": "audible_service_unavailable"}))

    def test_play_url(self):
        resp = self.api("/B0ABCDEFGH/play-url")
        self.assertEqual(resp.json(), {"url": "https://www.audible.com/pd/B0ABCDEFGH", "platform": "web",
                                       "action": "redirect_to_audible"})
        self.assertEqual(self.api("/B0ABCDEFGH/play-url?platform=ios").json()["platform"], "ios")
        resp = self.api("/nope/play-url")
        self.assertEqual((resp.status, resp.json()), (400, {"detail": "invalid_asin"}))
        resp = self.api("/B0ABCDEFGH/play-url?platform=")
        self.assertEqual(resp.json(), {"detail": [invalid("string_too_short", "platform",
                                                          "String should have at least 1 character", "")]})

    def test_basic_tier_refused(self):
        basic = mint("basic-reader", "basic")
        for path in ("/library", "/search?q=silent", "/B0ABCDEFGH/details", "/B0ABCDEFGH/play-url"):
            self.assertEqual(self.stack.api("GET", path, token=basic).status, 403, path)
        self.assertEqual(self.stack.api("POST", "/library/sync", token=basic).status, 403)


if __name__ == "__main__":
    unittest.main(verbosity=2)
