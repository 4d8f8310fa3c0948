"""Users as the platform knows them (CONTRACT.md section 4): PyJWT-minted HS256 tokens that carry
only sub and exp, resolved through AUTH_USERINFO_URL to premium, basic and inactive users; opaque
tokens with the endpoint alone; the endpoint refusing, down, slow and answering HTML."""
import time
import unittest

import jwt

from harness import API, Stack, parallel, request
from platform_stub import PlatformStub

PLATFORM_SECRET = "the-platform-secret-key-of-more-than-32-bytes"
USERS = {
    "1": {"id": 1, "email": "p@platform.example", "subscription_tier": "premium", "is_active": True},
    "2": {"id": 2, "email": "b@platform.example", "subscription_tier": "basic", "is_active": True},
    "3": {"id": 3, "email": "i@platform.example", "subscription_tier": "premium", "is_active": False},
    "4": {"_id": "4", "email": "a@platform.example", "roles": ["super_admin"], "is_active": True},
}
for n in range(10, 40):
    USERS[str(n)] = {"id": n, "subscription_tier": "premium", "is_active": True}


def platform_token(sub, secret=PLATFORM_SECRET, exp_in=600):
    """What the platform's create_access_token(data={"sub": user_id}) makes."""
    return jwt.encode({"sub": sub, "exp": int(time.time()) + exp_in}, secret, algorithm="HS256")


class UsersThroughTheEndpoint(unittest.TestCase):
    def start(self, env=None, opaque=None):
        self.platform = PlatformStub(PLATFORM_SECRET, USERS, opaque)
        self.addCleanup(self.platform.close)
        # The platform's own SECRET_KEY stands in for JWT_SECRET_KEY.
        self.stack = Stack({"JWT_SECRET_KEY": "", "SECRET_KEY": PLATFORM_SECRET,
                            "AUTH_USERINFO_URL": self.platform.url, "AUTH_HTTP_TIMEOUT_SECONDS": "1",
                            **(env or {})}, start_sandbox=False)
        self.addCleanup(self.stack.close)

    def connected(self, token, scheme="Bearer"):
        return request("GET", self.stack.service.base + API + "/connected",
                       headers={"Authorization": f"{scheme} {token}"})

    def test_sub_and_exp_tokens_become_premium_basic_and_inactive_users(self):
        self.start()
        premium = self.connected(platform_token("1"))
        self.assertEqual(premium.status, 200, premium.body)
        self.assertEqual(premium.json(), {"connected": False})
        basic = self.connected(platform_token("2"))
        self.assertEqual((basic.status, basic.json()), (403, {"detail": "audible_requires_premium"}))
        inactive = self.connected(platform_token("3"))
        self.assertEqual((inactive.status, inactive.json()), (400, {"detail": "Inactive user"}))
        self.assertEqual(self.connected(platform_token("4")).status, 200)  # an admin, by _id
        # The scheme in lower case (RFC 9110), and the header passed on as a bearer token.
        self.assertEqual(self.connected(platform_token("1", exp_in=500), scheme="bearer").status, 200)
        self.assertTrue(all(a.startswith("Bearer ") for a in self.platform.seen_authorization))

    def test_the_endpoints_401_is_ours_and_forged_tokens_never_reach_it(self):
        self.start()
        unknown = self.connected(platform_token("no-such-user"))
        self.assertEqual(unknown.status, 401)
        self.assertEqual(unknown.json(), {"detail": "Could not validate credentials"})
        self.assertEqual(unknown.headers["WWW-Authenticate"], "Bearer")
        forged = platform_token("1", secret="not-the-platform-secret-either-32b")
        self.assertEqual(self.connected(forged).status, 401)
        self.assertEqual(self.platform.calls_for(forged), 0)
        expired = platform_token("1", exp_in=-120)
        self.assertEqual(self.connected(expired).status, 401)
        self.assertEqual(self.platform.calls_for(expired), 0)

    def test_answers_are_cached_and_one_uncached_token_makes_one_call(self):
        self.start()
        self.platform.mode = "slow"
        self.platform.slow_seconds = 0.5
        token = platform_token("10")
        statuses = parallel(10, lambda i: self.connected(token).status)
        self.assertEqual(statuses, [200] * 10)
        self.assertEqual(self.platform.calls_for(token), 1)
        self.platform.mode = "ok"
        for _ in range(5):
            self.assertEqual(self.connected(token).status, 200)
        self.assertEqual(self.platform.calls_for(token), 1)

    def test_cache_seconds_zero_asks_every_time(self):
        self.start({"AUTH_USERINFO_CACHE_SECONDS": "0"})
        token = platform_token("1")
        for _ in range(3):
            self.assertEqual(self.connected(token).status, 200)
        self.assertEqual(self.platform.calls_for(token), 3)

    def test_an_endpoint_that_fails_is_503_never_a_pass_or_a_500(self):
        self.start()
        for n, mode in enumerate(["html", "error", "slow"]):
            self.platform.mode = mode
            response = self.connected(platform_token(str(20 + n)))
            self.assertEqual((response.status, response.json()),
                             (503, {"detail": "auth_service_unavailable"}), mode)
        self.platform.mode = "ok"
        self.platform.close()
        response = self.connected(platform_token("23"))
        self.assertEqual((response.status, response.json()), (503, {"detail": "auth_service_unavailable"}))

    def test_a_slow_endpoint_does_not_stall_other_users(self):
        self.start()
        known = platform_token("1")
        self.assertEqual(self.connected(known).status, 200)  # cached from here on
        self.platform.mode = "slow"
        self.platform.slow_seconds = 3.0
        tokens = [platform_token(str(24 + i)) for i in range(12)]
        timings = {}

        def run(i):
            if i < len(tokens):
                return self.connected(tokens[i]).status
            time.sleep(0.3)  # the slow ones are in flight by now
            start = time.monotonic()
            status = self.connected(known).status
            health = request("GET", self.stack.service.base + "/health").status
            timings["known"] = time.monotonic() - start
            return (status, health)

        results = parallel(len(tokens) + 1, run)
        self.assertEqual(results[-1], (200, 200))
        self.assertLess(timings["known"], 0.8)
        # The slow ones time out (1 s) or find every connection busy: 503, never a pass.
        self.assertEqual(set(results[:-1]), {503})

    def test_lookups_are_counted_by_outcome_in_metrics(self):
        self.start()
        good = platform_token("1")
        self.connected(good)
        self.connected(good)  # from the cache
        self.connected(platform_token("no-such-user"))
        self.platform.mode = "html"
        self.connected(platform_token("2"))
        self.platform.mode = "error"
        self.connected(platform_token("3"))
        self.platform.mode = "slow"
        self.platform.slow_seconds = 2.0  # past AUTH_HTTP_TIMEOUT_SECONDS
        self.connected(platform_token("4"))
        body = request("GET", self.stack.service.base + "/metrics").body
        counts = {}
        for line in body.splitlines():
            if line.startswith("audible_connect_userinfo_lookups_total{"):
                outcome = line.split('outcome="', 1)[1].split('"', 1)[0]
                counts[outcome] = float(line.rsplit(" ", 1)[1])
        self.assertEqual(counts, {"cache_hit": 1, "shared": 0, "ok": 1, "unauthorized": 1,
                                  "bad_status": 1, "invalid_answer": 1, "timeout": 1, "busy": 0,
                                  "error": 0})

    def test_opaque_tokens_with_the_endpoint_alone(self):
        self.start({"SECRET_KEY": ""}, opaque={"opaque-premium": "1", "opaque-basic": "2"})
        self.assertEqual(self.connected("opaque-premium").status, 200)
        self.assertEqual(self.connected("opaque-basic").status, 403)
        self.assertEqual(self.connected("opaque-unknown").status, 401)
        # With no JWT keys, a JWT is just another opaque token: the endpoint decides.
        self.assertEqual(self.connected(platform_token("1")).status, 200)

    def test_tokens_never_reach_the_log(self):
        self.start()
        tokens = [platform_token("1"), platform_token("2"), platform_token("nobody")]
        for token in tokens:
            self.connected(token)
        self.platform.mode = "html"
        tokens.append(platform_token("3"))
        self.connected(tokens[-1])
        log = self.stack.service.log()
        for token in tokens:
            self.assertNotIn(token, log)
            self.assertNotIn(token.split(".")[2], log)


if __name__ == "__main__":
    unittest.main(verbosity=2)
