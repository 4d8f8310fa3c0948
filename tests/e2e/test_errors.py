"""Every error row of the contract for the connect endpoints, through the real binaries."""
import json
import time
import unittest

from harness import API, Stack, mint, raw_http, request

SECURITY_HEADERS = {
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains; preload",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-XSS-Protection": "0",
    "Cache-Control": "no-store",
}

ROUTES = [("POST", "/oauth/authorize"), ("POST", "/oauth/callback"), ("GET", "/connected"),
          ("POST", "/disconnect")]


class Errors(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.stack = Stack({"AUDIBLE_STATE_TTL_SECONDS": "1", "AUDIBLE_HTTP_TIMEOUT_SECONDS": "1",
                           "AUDIBLE_RATE_LIMIT_CALLBACK_PER_MINUTE": "1000",
                           "AUDIBLE_RATE_LIMIT_PER_MINUTE": "1000"})

    @classmethod
    def tearDownClass(cls):
        cls.stack.close()

    def assertDetail(self, resp, status, detail):
        self.assertEqual((resp.status, resp.json()), (status, {"detail": detail}), resp.body)
        for name, value in SECURITY_HEADERS.items():
            self.assertEqual(resp.headers[name], value, name)
        self.assertTrue(resp.headers["X-Request-ID"])

    def test_basic_tier_is_refused_everywhere(self):
        token = mint("basic-user", "basic")
        for method, path in ROUTES:
            self.assertDetail(self.stack.api(method, path, token=token, body={}), 403, "audible_requires_premium")
        self.assertDetail(self.stack.api("GET", "/connected", token=mint("no-tier", None)), 403,
                          "audible_requires_premium")

    def test_credentials(self):
        s = self.stack
        bad_tokens = {
            "missing": None,
            "expired": mint(exp_in=-120),
            "wrongly signed": mint(secret="another-secret-of-decent-length"),
            "garbage": "not.a.jwt",
            "no exp": __import__("jwt").encode({"sub": "u", "subscription_tier": "premium"}, "e2e-jwt-secret-that-is-long-enough"),
        }
        for name, token in bad_tokens.items():
            for method, path in ROUTES:
                resp = s.api(method, path, token=token, body={})
                self.assertDetail(resp, 401, "Could not validate credentials")
                self.assertEqual(resp.headers["WWW-Authenticate"], "Bearer", name)
        # Inside the 60 s leeway, an expired token still passes.
        self.assertEqual(s.api("GET", "/connected", token=mint("leeway", exp_in=-30)).status, 200)
        resp = s.api("GET", "/connected", headers={"Authorization": "Basic dTpw"})
        self.assertDetail(resp, 401, "Could not validate credentials")
        self.assertDetail(s.api("GET", "/connected", token=mint("inactive", is_active=False)), 400, "Inactive user")

    def test_alg_none_is_refused(self):
        import base64
        def b64(obj):
            return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()
        claims = {"sub": "attacker", "subscription_tier": "premium", "exp": int(time.time()) + 600}
        for alg in ("none", "None", "NONE"):
            token = b64({"alg": alg, "typ": "JWT"}) + "." + b64(claims) + "."
            self.assertDetail(self.stack.api("GET", "/connected", token=token), 401,
                              "Could not validate credentials")

    def test_unknown_reused_expired_and_foreign_states(self):
        s = self.stack
        alice, bob = mint("alice"), mint("bob")
        self.assertDetail(s.api("POST", "/oauth/callback", body={"state": "never-issued", "code": "x"}, token=alice),
                          400, "invalid_state_parameter")

        start = s.authorize(alice)
        back = s.approve(start["auth_url"])
        self.assertDetail(s.api("POST", "/oauth/callback", body=back, token=bob), 400, "invalid_state_parameter")
        # Bob's attempt used it up: Alice cannot replay it either.
        self.assertDetail(s.api("POST", "/oauth/callback", body=back, token=alice), 400, "invalid_state_parameter")

        start = s.authorize(alice)
        back = s.approve(start["auth_url"])
        self.assertEqual(s.api("POST", "/oauth/callback", body=back, token=alice).status, 200)
        self.assertDetail(s.api("POST", "/oauth/callback", body=back, token=alice), 400, "invalid_state_parameter")

        start = s.authorize(alice)
        back = s.approve(start["auth_url"])
        time.sleep(1.4)  # past AUDIBLE_STATE_TTL_SECONDS=1, within the one-TTL memory of expiry
        self.assertDetail(s.api("POST", "/oauth/callback", body=back, token=alice), 400, "invalid_state_parameter")
        metrics = request("GET", s.service.base + "/metrics").body
        failures = [l for l in metrics.splitlines() if l.startswith("audible_oauth_state_validation_failures_total ")]
        self.assertGreaterEqual(int(failures[0].split()[1]), 4)
        log = s.service.log()
        for reason in ("unknown or already used state", "state issued to another user", "expired state"):
            self.assertIn(reason, log)
        s.api("POST", "/disconnect", token=alice)

    def test_provider_error_redirect_is_denied(self):
        s = self.stack
        token = mint("denier")
        start = s.authorize(token)
        back = s.approve(start["auth_url"], decision="deny")
        self.assertEqual(back["error"], "access_denied")
        self.assertDetail(s.api("POST", "/oauth/callback", body=back, token=token), 400, "audible_oauth_denied")

    def test_provider_rejects_the_code(self):
        s = self.stack
        token = mint("rejected")
        start = s.authorize(token)
        self.assertDetail(s.api("POST", "/oauth/callback", body={"state": start["state"], "code": "forged"}, token=token),
                          400, "audible_oauth_failed")
        self.assertIn("invalid_grant", s.service.log())

    def test_provider_failing_or_slow_is_unavailable(self):
        s = self.stack
        token = mint("unlucky")
        for fault in ({"path": "/token", "status": 500, "body": "oops", "times": 1},
                      {"path": "/token", "status": 503, "body": "<html>down</html>", "content_type": "text/html", "times": 1},
                      {"path": "/token", "delay_ms": 1500, "times": 1}):
            start = s.authorize(token)
            back = s.approve(start["auth_url"])
            s.add_fault(**fault)
            self.assertDetail(s.api("POST", "/oauth/callback", body=back, token=token), 503,
                              "audible_service_unavailable")

    def test_malformed_and_oversized_bodies(self):
        s = self.stack
        token = mint("sloppy")
        resp = s.api("POST", "/oauth/callback", raw=b"{not json", token=token, headers={"Content-Type": "application/json"})
        self.assertDetail(resp, 400, "invalid_json")
        # Empty state is a string, as pydantic sees it, and an unknown one.
        self.assertDetail(s.api("POST", "/oauth/callback", body={"state": "", "code": "x"}, token=token),
                          400, "invalid_state_parameter")
        resp = s.api("POST", "/oauth/callback", raw=b"{" + b" " * 70000 + b"}", token=token,
                     headers={"Content-Type": "application/json"})
        self.assertDetail(resp, 413, "request_too_large")
        # A body limit checked before authentication: no token needed to be refused.
        reply = raw_http(s.service.port, b"POST /api/v1/user/audible/oauth/callback HTTP/1.1\r\nHost: x\r\n"
                                        b"Content-Length: 10000000\r\n\r\n")
        self.assertIn("413", reply.splitlines()[0])
        self.assertIn("request_too_large", reply)
        self.assertIn("X-Frame-Options: DENY", reply)
        # The authorize body is optional and its redirect_uri ignored.
        resp = s.api("POST", "/oauth/authorize", body={"redirect_uri": "https://evil.example/"}, token=token)
        self.assertIn("redirect_uri=https%3A%2F%2Fapp.example", resp.json()["auth_url"])
        self.assertNotIn("evil", resp.json()["auth_url"])
        self.assertEqual(s.api("POST", "/oauth/authorize", token=token).status, 200)

    def test_unknown_paths_and_methods(self):
        s = self.stack
        self.assertDetail(request("GET", s.service.base + "/nope"), 404, "not_found")
        self.assertNotIn("Allow", request("GET", s.service.base + "/nope").headers)
        for method, path, allow in (("GET", API + "/oauth/authorize", "POST"), ("DELETE", "/health", "GET"),
                                    ("POST", API + "/B0ABCDEFGH/details", "GET"), ("GET", API + "/library/sync", "POST")):
            resp = request(method, s.service.base + path, token=mint("wanderer"))
            self.assertDetail(resp, 405, "method_not_allowed")
            self.assertEqual(resp.headers["Allow"], allow, path)

    def test_request_id_is_echoed_when_sane(self):
        s = self.stack
        resp = request("GET", s.service.base + "/health", headers={"X-Request-ID": "abc-123.x_y"})
        self.assertEqual(resp.headers["X-Request-ID"], "abc-123.x_y")
        resp = request("GET", s.service.base + "/health", headers={"X-Request-ID": "bad id<script>"})
        self.assertRegex(resp.headers["X-Request-ID"], r"^[0-9a-f]{32}$")

    def test_ops_endpoints(self):
        s = self.stack
        health = request("GET", s.service.base + "/health")
        self.assertEqual((health.status, health.json()), (200, {"status": "ok"}))
        self.assertEqual(health.headers["X-Frame-Options"], "DENY")
        ready = request("GET", s.service.base + "/ready")
        self.assertEqual((ready.status, ready.json()["status"]), (200, "ready"))
        metrics = request("GET", s.service.base + "/metrics")
        self.assertTrue(metrics.headers["Content-Type"].startswith("text/plain"))
        for name in ("audible_oauth_authorize_requests_total", "audible_oauth_authorize_errors_total",
                     "audible_oauth_callback_requests_total", "audible_oauth_callback_errors_total",
                     "audible_oauth_state_validation_failures_total", "audible_token_encryption_errors_total",
                     "audible_token_decryption_errors_total", "audible_token_refresh_failures_total",
                     "audible_api_library_sync_total", "audible_api_search_requests_total",
                     "audible_api_response_time_ms_bucket", "http_requests_total{",
                     "http_request_duration_seconds_bucket{"):
            self.assertIn(name, metrics.body)
        doc = request("GET", s.service.base + "/openapi.json").json()
        self.assertTrue(doc["openapi"].startswith("3."))
        for path in ("/oauth/authorize", "/oauth/callback", "/connected", "/disconnect"):
            self.assertIn(API + path, doc["paths"])
        for path in ("/health", "/ready", "/metrics", "/openapi.json"):
            self.assertIn(path, doc["paths"])


class Validation(unittest.TestCase):
    """422 in FastAPI's shape, with pydantic v2's types and messages, for the callback's body."""

    @classmethod
    def setUpClass(cls):
        cls.stack = Stack({"AUDIBLE_RATE_LIMIT_CALLBACK_PER_MINUTE": "1000"})
        cls.token = mint("validated")

    @classmethod
    def tearDownClass(cls):
        cls.stack.close()

    def assertInvalid(self, resp, *items):
        self.assertEqual((resp.status, resp.json()), (422, {"detail": list(items)}), resp.body)
        self.assertEqual(resp.headers["X-Frame-Options"], "DENY")

    def callback(self, **kwargs):
        return self.stack.api("POST", "/oauth/callback", token=self.token, **kwargs)

    def test_callback_body(self):
        self.assertInvalid(self.callback(body=["a"]),
                           {"type": "model_attributes_type", "loc": ["body"],
                            "msg": "Input should be a valid dictionary or object to extract fields from", "input": ["a"]})
        self.assertInvalid(self.callback(body="text"),
                           {"type": "model_attributes_type", "loc": ["body"],
                            "msg": "Input should be a valid dictionary or object to extract fields from", "input": "text"})
        self.assertInvalid(self.callback(body={"code": "x"}),
                           {"type": "missing", "loc": ["body", "state"], "msg": "Field required", "input": {"code": "x"}})
        self.assertInvalid(self.callback(body={"state": 5, "code": "x"}),
                           {"type": "string_type", "loc": ["body", "state"], "msg": "Input should be a valid string", "input": 5})
        self.assertInvalid(self.callback(body={"state": None, "code": ["x"]}),
                           {"type": "string_type", "loc": ["body", "state"], "msg": "Input should be a valid string", "input": None},
                           {"type": "string_type", "loc": ["body", "code"], "msg": "Input should be a valid string", "input": ["x"]})
        self.assertInvalid(self.callback(body={"state": "s"}),
                           {"type": "value_error", "loc": ["body"], "msg": "Value error, code or error is required",
                            "input": {"state": "s"}})
        self.assertInvalid(self.callback(),
                           {"type": "missing", "loc": ["body"], "msg": "Field required", "input": None})
        self.assertInvalid(self.callback(body={"state": "s" * 4097, "code": "x"}),
                           {"type": "string_too_long", "loc": ["body", "state"],
                            "msg": "String should have at most 4096 characters", "input": "s" * 4097})
        # null for an optional member is fine: the state is what fails.
        resp = self.callback(body={"state": "never-issued", "code": "x", "iss": None, "error": None})
        self.assertEqual((resp.status, resp.json()), (400, {"detail": "invalid_state_parameter"}))

    def test_authorize_body_is_optional_but_typed(self):
        self.assertEqual(self.stack.api("POST", "/oauth/authorize", token=self.token).status, 200)
        resp = self.stack.api("POST", "/oauth/authorize", body={"redirect_uri": 5}, token=self.token)
        self.assertInvalid(resp, {"type": "string_type", "loc": ["body", "redirect_uri"],
                                  "msg": "Input should be a valid string", "input": 5})


class RateLimits(unittest.TestCase):
    def test_authorize_limit_with_retry_after(self):
        stack = Stack({"AUDIBLE_RATE_LIMIT_PER_MINUTE": "3"})
        try:
            token = mint("eager")
            statuses = [stack.api("POST", "/oauth/authorize", token=token).status for _ in range(5)]
            self.assertEqual(statuses, [200, 200, 200, 429, 429])
            resp = stack.api("POST", "/oauth/authorize", token=token)
            self.assertEqual(resp.json(), {"detail": "rate_limit_exceeded"})
            self.assertTrue(1 <= int(resp.headers["Retry-After"]) <= 60)
            # Another user, and another class of endpoint, have their own budgets.
            self.assertEqual(stack.api("POST", "/oauth/authorize", token=mint("patient")).status, 200)
            self.assertEqual(stack.api("GET", "/connected", token=token).status, 200)
        finally:
            stack.close()


class Unconfigured(unittest.TestCase):
    def test_provider_endpoints_answer_503(self):
        stack = Stack(configured=False, start_sandbox=False)
        try:
            token = mint("someone")
            for path in ("/oauth/authorize", "/oauth/callback"):
                resp = stack.api("POST", path, token=token, body={"state": "s", "code": "c"})
                self.assertEqual((resp.status, resp.json()), (503, {"detail": "audible_integration_not_configured"}))
            # The premium gate comes first.
            resp = stack.api("POST", "/oauth/authorize", token=mint("basic", "basic"))
            self.assertEqual(resp.status, 403)
            self.assertEqual(stack.api("GET", "/connected", token=token).json(), {"connected": False})
        finally:
            stack.close()


class ProviderDown(unittest.TestCase):
    def test_unreachable_token_endpoint(self):
        stack = Stack({"AUDIBLE_TOKEN_URL": "http://127.0.0.1:9/token"})
        try:
            token = mint("stranded")
            start = stack.authorize(token)
            back = stack.approve(start["auth_url"])
            resp = stack.api("POST", "/oauth/callback", body=back, token=token)
            self.assertEqual((resp.status, resp.json()), (503, {"detail": "audible_service_unavailable"}))
        finally:
            stack.close()


class Issuer(unittest.TestCase):
    def test_iss_must_match_when_configured(self):
        stack = Stack({"AUDIBLE_ISSUER": "https://sandbox.example"}, sandbox_args=["--issuer", "https://sandbox.example"])
        try:
            token = mint("careful")
            start = stack.authorize(token)
            back = stack.approve(start["auth_url"])
            self.assertEqual(back["iss"], "https://sandbox.example")
            forged = {**back, "iss": "https://mix-up.example"}
            resp = stack.api("POST", "/oauth/callback", body=forged, token=token)
            self.assertEqual((resp.status, resp.json()), (400, {"detail": "invalid_state_parameter"}))
            # The state was used up by the mismatch.
            self.assertEqual(stack.api("POST", "/oauth/callback", body=back, token=token).status, 400)
            start = stack.authorize(token)
            back = stack.approve(start["auth_url"])
            self.assertEqual(stack.api("POST", "/oauth/callback", body=back, token=token).status, 200)
        finally:
            stack.close()


if __name__ == "__main__":
    unittest.main(verbosity=2)
