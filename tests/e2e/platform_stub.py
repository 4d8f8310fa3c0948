"""The platform's "who am I" endpoint (its /api/v1/auth/me), played on loopback for the tests:
HS256 tokens of the platform's secret (sub and exp only, as its login makes them) and opaque
tokens map to user records; a mode makes it slow, answer HTML or 500 as a broken deployment would.
"""
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt

ME_PATH = "/api/v1/auth/me"


class PlatformStub:
    def __init__(self, secret, users, opaque=None):
        self.secret = secret
        self.users = users            # sub -> user record (the JSON answered)
        self.opaque = opaque or {}    # opaque token -> sub
        self.mode = "ok"              # ok | html | error | slow
        self.slow_seconds = 3.0
        self.calls = {}               # token -> how often it was asked about
        self.lock = threading.Lock()
        self.seen_authorization = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                stub.handle(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}{ME_PATH}"

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def calls_for(self, token):
        with self.lock:
            return self.calls.get(token, 0)

    def user_for(self, token):
        if token in self.opaque:
            return self.users.get(self.opaque[token])
        try:
            claims = jwt.decode(token, self.secret, algorithms=["HS256"])
        except jwt.PyJWTError:
            return None
        return self.users.get(claims["sub"])

    def handle(self, request):
        authorization = request.headers.get("Authorization", "")
        token = authorization.split(" ", 1)[1] if " " in authorization else ""
        with self.lock:
            self.calls[token] = self.calls.get(token, 0) + 1
            self.seen_authorization.append(authorization)
        mode = self.mode
        if mode == "slow":
            time.sleep(self.slow_seconds)
        if mode == "html":
            return self.reply(request, 200, b"<html><body>Sign in</body></html>", "text/html")
        if mode == "error":
            return self.reply(request, 500, b"Internal Server Error", "text/plain")
        user = self.user_for(token) if request.path == ME_PATH else None
        if user is None:
            return self.reply(request, 401, b'{"detail":"Could not validate credentials"}')
        return self.reply(request, 200, json.dumps(user).encode())

    @staticmethod
    def reply(request, status, body, content_type="application/json"):
        try:
            request.send_response(status)
            request.send_header("Content-Type", content_type)
            request.send_header("Content-Length", str(len(body)))
            request.end_headers()
            request.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the service gave up waiting
