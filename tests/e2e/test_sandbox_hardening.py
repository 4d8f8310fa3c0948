"""Issue 11: numbers from the provider are clamped (defect 3, through the real binaries), and the
sandbox validates its test controls and protects its consent page (defect 9)."""
import re
import subprocess
import tempfile
import unittest
import urllib.parse

from harness import SANDBOX_BIN, Process, Stack, approve, mint, request


def form_of(page_body):
    """The consent form's fields, as a browser would post them."""
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page_body))


class ProviderNumbers(unittest.TestCase):
    def test_huge_expires_in_is_clamped(self):
        stack = Stack()
        try:
            stack.sandbox_control("config", expires_in_override=9223372036854775807)
            token = mint("huge-expiry")
            _, _, resp = stack.connect(token)
            self.assertEqual(resp.status, 200, resp.body)
            # Clamped to a year, the token is fresh: a sync needs no refresh. Had expires_at
            # overflowed, it would look long expired and be refreshed first.
            resp = stack.api("POST", "/library/sync", token=token)
            self.assertEqual(resp.status, 200, resp.body)
            self.assertEqual(stack.sandbox_stats()["refreshes"], 0)
        finally:
            self.assertEqual(stack.close(), 0)


class SandboxHardening(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.stack = Stack()
        cls.base = cls.stack.sandbox.base

    @classmethod
    def tearDownClass(cls):
        cls.stack.close()

    def tearDown(self):
        request("DELETE", self.base + "/_sandbox/faults")

    def fault(self, **spec):
        return request("POST", self.base + "/_sandbox/faults", body={"path": "/1.0/library", **spec})

    def test_fault_header_injection_is_refused(self):
        for headers in ({"X-Test": "v\r\nSet-Cookie: injected=1"}, {"X-Test": "a\nb"},
                        {"X-Test": "a\u0000b"}, {"Bad Name": "v"}, {"X:y": "v"}, {"": "v"},
                        {"X-Test": 5}):
            resp = self.fault(status=500, headers=headers)
            self.assertEqual(resp.status, 400, (headers, resp.body))
        self.assertEqual(self.fault(status=500, content_type="text/html\r\nX-A: b").status, 400)
        self.assertEqual(self.fault(status=500, headers={"X-Test": "fine"}, times=1).status, 200)

    def test_fault_numbers_are_bounded(self):
        for spec in ({"delay_ms": 10**12}, {"delay_ms": -1}, {"delay_ms": "5"}, {"delay_ms": 1.5},
                     {"delay_ms": 60001}, {"status": 42}, {"status": 600}, {"status": -200},
                     {"times": 0}, {"times": 10**20}, {"after": -1}, {"drop": "yes"},
                     {"body": 5}, {"path": 5}, {"path": "no-slash"}):
            resp = self.fault(**spec)
            self.assertEqual(resp.status, 400, (spec, resp.body))
        for spec in ({"delay_ms": 60000, "status": 599, "times": 1}, {"status": 100, "times": 1}):
            self.assertEqual(self.fault(**spec).status, 200, spec)
        self.assertEqual(request("POST", self.base + "/_sandbox/faults", raw=b"[1]").status, 400)

    def test_fault_bodies_cannot_run_on_the_sandbox_origin(self):
        self.assertEqual(self.fault(path="/x", status=200, body="<script>alert(1)</script>",
                                    content_type="text/html").status, 200)
        resp = request("GET", self.base + "/x")
        self.assertEqual(resp.status, 200)
        self.assertIn("sandbox", resp.headers["Content-Security-Policy"])
        self.assertIn("default-src 'none'", resp.headers["Content-Security-Policy"])
        self.assertEqual(resp.headers["X-Content-Type-Options"], "nosniff")

    def test_library_and_config_controls_are_bounded(self):
        for body in ({"user": "u", "size": "5"}, {"user": "u", "size": 10**12}, {"user": "u", "add": -1},
                     {"user": "u", "revoke": 2.5}, {"user": "u"}, {"size": 5}):
            resp = request("POST", self.base + "/_sandbox/library", body=body)
            self.assertEqual(resp.status, 400, (body, resp.body))
        self.assertEqual(request("POST", self.base + "/_sandbox/library", body={"user": "u", "size": 3}).status, 200)
        for body in ({"access_token_ttl": 10**30}, {"access_token_ttl": 0}, {"access_token_ttl": "60"},
                     {"expires_in_override": "x"}, {}):
            resp = request("POST", self.base + "/_sandbox/config", body=body)
            self.assertEqual(resp.status, 400, (body, resp.body))
        for body in ({"access_token_ttl": 3600}, {"expires_in_override": None}):
            self.assertEqual(request("POST", self.base + "/_sandbox/config", body=body).status, 200, body)

    def consent_page(self):
        start = self.stack.authorize(mint("consent-user"))
        query = urllib.parse.urlsplit(start["auth_url"]).query
        page = request("GET", self.base + "/authorize?" + query)
        self.assertEqual(page.status, 200, page.body)
        return start, page

    def post_consent(self, form):
        return request("POST", self.base + "/authorize", raw=urllib.parse.urlencode(form).encode(),
                       headers={"Content-Type": "application/x-www-form-urlencoded"})

    def test_consent_page_cannot_be_framed(self):
        _, page = self.consent_page()
        self.assertEqual(page.headers["X-Frame-Options"], "DENY")
        self.assertIn("frame-ancestors 'none'", page.headers["Content-Security-Policy"])
        self.assertNotIn("script-src", page.headers["Content-Security-Policy"])
        self.assertEqual(page.headers["X-Content-Type-Options"], "nosniff")

    def test_consent_form_needs_its_csrf_token(self):
        start, page = self.consent_page()
        form = {**form_of(page.body), "user": "listener-1", "decision": "approve"}
        self.assertRegex(form["csrf_token"], r"^[A-Za-z0-9_-]{43}$")
        for changed in ({"csrf_token": ""}, {"csrf_token": "A" * 43}, {"state": form["state"] + "x"},
                        {"redirect_uri": "https://evil.example/cb"}):
            resp = self.post_consent({**form, **changed})
            self.assertEqual(resp.status, 400, changed)
            self.assertEqual(resp.headers["X-Frame-Options"], "DENY")
        without = dict(form)
        del without["csrf_token"]
        self.assertEqual(self.post_consent(without).status, 400)
        # The page's own form still works (302 to the client).
        back = approve(self.base, start["auth_url"])
        self.assertEqual(back["state"], start["state"])
        self.assertIn("code", back)


class SandboxHost(unittest.TestCase):
    def test_non_loopback_host_needs_allow_remote(self):
        refused = subprocess.run([SANDBOX_BIN, "--host", "0.0.0.0", "--port", "0"], capture_output=True,
                                 text=True, timeout=20)
        self.assertNotEqual(refused.returncode, 0)
        self.assertIn("--allow-remote", refused.stderr)
        with tempfile.TemporaryDirectory() as workdir:
            for args in (["--host", "127.0.0.1"], ["--host", "localhost"],
                         ["--host", "0.0.0.0", "--allow-remote"]):
                process = Process([SANDBOX_BIN, *args, "--port", "0"], {}, workdir)
                try:
                    self.assertEqual(request("GET", process.base + "/_sandbox/stats").status, 200)
                finally:
                    process.stop()


if __name__ == "__main__":
    unittest.main()
