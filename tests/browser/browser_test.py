"""The browser frontend in a real browser: Debian's headless Chromium, driven by playwright-core
(browser_test.mjs), loads the platform's frontend page from its own origin (a static server here),
which links an Audible account through the sandbox's consent page with CORS requests to the
service; then /docs and /redoc render Swagger UI and ReDoc with their assets served locally from
npm's swagger-ui-dist and redoc. No page may meet a Content-Security-Policy refusal, but for the
Redocly logo ReDoc fetches from cdn.redoc.ly, which /redoc's policy keeps out on purpose.

Usage: browser_test.py NPM_DIR (where install.sh put the npm packages); AC_BUILD_DIR as for e2e.
Skipped when Chromium is not installed (scripts/setup.sh installs it).
"""
import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
from harness import Stack, mint  # noqa: E402

NPM_DIR = None
REDOCLY_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"


class StaticFiles(http.server.SimpleHTTPRequestHandler):
    """frontend/ at /, npm's packages at /node_modules/, and /config.js for the page."""

    config_js = b""

    def translate_path(self, path):
        path = path.split("?", 1)[0]
        if path.startswith("/node_modules/"):
            return os.path.join(NPM_DIR, "node_modules", path[len("/node_modules/"):])
        return os.path.join(HERE, "frontend", path.lstrip("/"))

    def do_GET(self):
        if self.path == "/config.js":
            self.send_response(200)
            self.send_header("Content-Type", "text/javascript")
            self.send_header("Content-Length", str(len(self.config_js)))
            self.end_headers()
            self.wfile.write(self.config_js)
            return
        super().do_GET()

    def log_message(self, *args):
        pass


class BrowserFrontend(unittest.TestCase):
    def setUp(self):
        self.chromium = shutil.which("chromium")
        if not self.chromium:
            raise unittest.SkipTest("chromium is not installed (scripts/setup.sh installs it)")
        self.pages = http.server.ThreadingHTTPServer(("127.0.0.1", 0), StaticFiles)
        threading.Thread(target=self.pages.serve_forever, daemon=True).start()
        self.addCleanup(self.pages.server_close)
        self.addCleanup(self.pages.shutdown)
        page_origin = f"http://127.0.0.1:{self.pages.server_port}"
        self.frontend_url = page_origin + "/index.html"

        self.stack = Stack({"BACKEND_CORS_ORIGINS": page_origin,
                            "DOCS_ASSETS_URL": page_origin + "/node_modules"},
                           sandbox_args=["--library-size", "3"], redirect_uri=self.frontend_url)
        self.addCleanup(self.stack.close)
        StaticFiles.config_js = ("window.AC = " + json.dumps(
            {"api": self.stack.service.base, "token": mint("browser-user")}) + ";\n").encode()

    def test_frontend_links_an_account_and_doc_pages_list_the_operations(self):
        run = subprocess.run(["node", os.path.join(NPM_DIR, "browser_test.mjs"), self.chromium,
                              self.frontend_url, self.stack.service.base],
                             cwd=NPM_DIR, capture_output=True, text=True, timeout=120)
        self.assertEqual(run.returncode, 0, run.stderr)
        result = json.loads(run.stdout.strip().splitlines()[-1])
        self.assertNotIn("exception", result, json.dumps(result, indent=1))

        page = result["frontend"]
        self.assertEqual(page["origin"], f"http://127.0.0.1:{self.pages.server_port}")
        self.assertEqual(page["error"], "")
        self.assertTrue(page["status"].startswith("linked sandbox-"), page)
        connected = json.loads(page["connected"])
        self.assertEqual((connected["connected"], connected["sync_status"]), (True, "synced"), connected)
        self.assertEqual(len(page["library"]), 3, page["library"])
        self.assertEqual(page["csp"], [])

        docs = result["docs"]
        self.assertEqual(docs["title"], "audible-connect - Swagger UI")
        for operation in ("POST /api/v1/user/audible/oauth/authorize", "POST /api/v1/user/audible/oauth/callback",
                          "GET /api/v1/user/audible/connected", "GET /api/v1/user/audible/library",
                          "GET /api/v1/user/audible/search", "GET /health"):
            self.assertIn(operation, docs["operations"])
        self.assertEqual(docs["csp"], [], "the /docs policy refused something Swagger UI needs")

        redoc = result["redoc"]
        self.assertEqual(redoc["title"], "audible-connect - ReDoc")
        self.assertGreaterEqual(redoc["operations"], 10)
        self.assertEqual([v for v in redoc["csp"] if REDOCLY_LOGO not in v], [])
        self.assertEqual([e for e in result["console_errors"] if REDOCLY_LOGO not in e], [])


if __name__ == "__main__":
    NPM_DIR = os.path.abspath(sys.argv.pop(1))
    unittest.main()
