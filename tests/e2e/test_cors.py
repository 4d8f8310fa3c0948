"""CORS for the platform's browser frontend (BACKEND_CORS_ORIGINS), through the real binaries."""
import json
import os
import subprocess
import unittest

from harness import API, SERVICE_BIN, Stack, mint, raw_http

APP = "https://app.example"
LOCAL = "http://localhost:3000"
EVIL = "https://evil.example"


def preflight(stack, origin, method="GET", headers="authorization, content-type", path="/connected"):
    extra = {"Origin": origin, "Access-Control-Request-Method": method}
    if headers:
        extra["Access-Control-Request-Headers"] = headers
    return stack.api("OPTIONS", path, headers=extra)


class CorsAsJsonList(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.stack = Stack({"BACKEND_CORS_ORIGINS": json.dumps([APP, LOCAL + "/"]),
                           "AUDIBLE_RATE_LIMIT_GENERAL_PER_MINUTE": "3"})

    @classmethod
    def tearDownClass(cls):
        cls.stack.close()

    def assertAllowed(self, resp, origin):
        self.assertEqual(resp.headers["Access-Control-Allow-Origin"], origin)
        self.assertEqual(resp.headers["Access-Control-Allow-Credentials"], "true")
        self.assertIn("Origin", resp.headers["Vary"])

    def test_preflight_from_listed_origin_needs_no_authorization(self):
        for origin in (APP, LOCAL):
            for path, method in (("/connected", "GET"), ("/oauth/authorize", "POST")):
                resp = preflight(self.stack, origin, method=method, path=path)
                self.assertEqual(resp.status, 200, resp.body)
                self.assertAllowed(resp, origin)
                self.assertEqual(resp.headers["Access-Control-Allow-Headers"], "authorization, content-type")
                self.assertIn(method, resp.headers["Access-Control-Allow-Methods"])
                self.assertEqual(resp.headers["Access-Control-Max-Age"], "600")
                self.assertNotIn("WWW-Authenticate", resp.headers)

    def test_preflight_from_unlisted_origin_is_refused(self):
        resp = preflight(self.stack, EVIL)
        self.assertEqual((resp.status, resp.json()), (400, {"detail": "Disallowed CORS origin"}))
        self.assertNotIn("Access-Control-Allow-Origin", resp.headers)

    def test_requested_headers_are_never_echoed_unchecked(self):
        answer = raw_http(self.stack.service.port, (
            f"OPTIONS {API}/connected HTTP/1.1\r\nHost: x\r\nOrigin: {APP}\r\n"
            "Access-Control-Request-Method: GET\r\n"
            "Access-Control-Request-Headers: authorization, x-a <script>\r\nConnection: close\r\n\r\n").encode())
        self.assertTrue(answer.startswith("HTTP/1.1 400"), answer)
        self.assertIn("Disallowed CORS headers", answer)
        self.assertNotIn("Access-Control-Allow-Headers", answer)

    def test_answers_and_errors_to_a_listed_origin_carry_credentials_and_vary(self):
        token = mint("cors-user")
        ok = self.stack.api("GET", "/connected", token=token, headers={"Origin": APP})
        self.assertEqual((ok.status, ok.json()), (200, {"connected": False}))
        self.assertAllowed(ok, APP)
        self.assertEqual(ok.headers["Access-Control-Expose-Headers"], "Retry-After, X-Request-ID")

        unauthorized = self.stack.api("GET", "/connected", headers={"Origin": APP})
        self.assertEqual(unauthorized.status, 401)
        self.assertAllowed(unauthorized, APP)

        missing = self.stack.api("GET", "/nowhere", headers={"Origin": APP})
        self.assertEqual(missing.status, 404)
        self.assertAllowed(missing, APP)

        limited = [self.stack.api("GET", "/connected", token=mint("cors-limited"), headers={"Origin": APP})
                   for _ in range(4)]
        self.assertEqual(limited[-1].status, 429)
        self.assertAllowed(limited[-1], APP)
        self.assertTrue(limited[-1].headers["Retry-After"])

    def test_a_body_too_large_is_readable_by_the_frontend(self):
        reply = raw_http(self.stack.service.port, (
            f"POST {API}/oauth/callback HTTP/1.1\r\nHost: x\r\nOrigin: {APP}\r\n"
            "Content-Length: 10000000\r\n\r\n").encode())
        self.assertTrue(reply.startswith("HTTP/1.1 413"), reply)
        self.assertIn(f"Access-Control-Allow-Origin: {APP}\r\n", reply)
        self.assertIn("Access-Control-Allow-Credentials: true\r\n", reply)

    def test_unlisted_origin_gets_no_cors_headers(self):
        resp = self.stack.api("GET", "/connected", token=mint("cors-other"), headers={"Origin": EVIL})
        self.assertEqual(resp.status, 200)
        self.assertFalse([name for name in resp.headers if name.lower().startswith("access-control-")])

    def test_never_a_wildcard(self):
        for resp in (preflight(self.stack, APP), self.stack.api("GET", "/health", headers={"Origin": APP})):
            self.assertNotEqual(resp.headers["Access-Control-Allow-Origin"], "*")


class CorsCommaSeparated(unittest.TestCase):
    def test_comma_separated_origins(self):
        stack = Stack({"BACKEND_CORS_ORIGINS": f" {APP} , {LOCAL}"}, start_sandbox=False, configured=False)
        try:
            for origin in (APP, LOCAL):
                self.assertEqual(preflight(stack, origin).status, 200)
            self.assertEqual(preflight(stack, EVIL).status, 400)
        finally:
            stack.close()


class CorsOffByDefault(unittest.TestCase):
    def test_no_cors_without_origins(self):
        stack = Stack(start_sandbox=False, configured=False)
        try:
            resp = preflight(stack, APP)
            self.assertEqual(resp.status, 405)
            get = stack.api("GET", "/connected", token=mint("cors-off"), headers={"Origin": APP})
            self.assertEqual(get.status, 200)
            for answer in (resp, get):
                self.assertFalse([n for n in answer.headers if n.lower().startswith("access-control-")])
        finally:
            stack.close()


class CorsBadValue(unittest.TestCase):
    def test_a_wildcard_stops_serve_with_one_line(self):
        env = {"PATH": os.environ.get("PATH", ""), "PORT": "0", "JWT_SECRET_KEY": "x" * 32,
               "AUDIBLE_ALLOW_PLAINTEXT_TOKENS": "true", "BACKEND_CORS_ORIGINS": "https://app.example,*"}
        run = subprocess.run([SERVICE_BIN, "serve"], env=env, capture_output=True, text=True, timeout=30)
        self.assertEqual(run.returncode, 1)
        self.assertEqual(run.stderr.count("\n"), 1, run.stderr)
        self.assertTrue(run.stderr.startswith("audible-connect: config error: BACKEND_CORS_ORIGINS"), run.stderr)


if __name__ == "__main__":
    unittest.main()
