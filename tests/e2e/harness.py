"""Starts the real binaries (audible-connect, audible-sandbox) on loopback for black-box tests.

The build directory comes from AC_BUILD_DIR (CTest sets it). Every server listens on port 0 and
reports the port it got in its first log line, so tests never race for ports.
"""
import atexit
import json
import os
import re
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import jwt
from cryptography.fernet import Fernet

BUILD_DIR = os.environ.get("AC_BUILD_DIR", os.path.join(os.path.dirname(__file__), "../../build/release"))
SERVICE_BIN = os.path.join(BUILD_DIR, "src/audible-connect")
SANDBOX_BIN = os.path.join(BUILD_DIR, "sandbox/audible-sandbox")
JWT_SECRET = "e2e-jwt-secret-that-is-long-enough"
API = "/api/v1/user/audible"
LOG_FLUSH_SECONDS = 0.25  # the service's log flush interval (100 ms) with room to spare


_LEFTOVERS = []


def stop_at_exit(stop):
    """Runs `stop` when the test process exits. A test whose setUpClass fails never reaches its
    tearDownClass, and the servers it started must not outlive it."""
    _LEFTOVERS.append(stop)


@atexit.register
def _stop_leftovers():
    for stop in reversed(_LEFTOVERS):
        try:
            stop()
        except Exception:  # noqa: BLE001 - the process is exiting; stop what can be stopped
            pass


class Process:
    """A server process whose stdout (JSON log lines) is kept in a file."""

    def __init__(self, args, env, workdir):
        self.log_path = os.path.join(workdir, os.path.basename(args[0]) + f"-{time.monotonic_ns()}.log")
        self.log_file = open(self.log_path, "w+")
        self.proc = subprocess.Popen(args, env=env, stdout=self.log_file, stderr=subprocess.STDOUT, cwd=workdir)
        stop_at_exit(lambda: self.proc.poll() is None and self.proc.kill())
        try:
            self.port = self._wait_for_port()
        except RuntimeError:
            self.stop(signal.SIGKILL)  # never left running when it did not start
            raise
        self.base = f"http://127.0.0.1:{self.port}"

    def _wait_for_port(self):
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.proc.args[0]} exited: {self._read()}")
            for line in self._read().splitlines():
                try:
                    entry = json.loads(line)
                except ValueError:
                    continue
                if "listening" in entry.get("message", "") and "port" in entry:
                    return entry["port"]
            time.sleep(0.02)
        raise RuntimeError("server did not start: " + self._read())

    def log(self):
        """The log so far. A running server writes its log every 100 ms: lines about requests
        just answered are in after one such interval."""
        if self.proc.poll() is None:
            time.sleep(LOG_FLUSH_SECONDS)
        return self._read()

    def entries(self):
        """The log's JSON lines, parsed."""
        return [json.loads(line) for line in self.log().splitlines() if line.startswith("{")]

    def _read(self):
        with open(self.log_path) as f:
            return f.read()

    def stop(self, sig=signal.SIGTERM, timeout=30):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log_file.close()
        return self.proc.returncode


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body)


def request(method, url, body=None, headers=None, token=None, raw=None, timeout=30):
    headers = dict(headers or {})
    data = raw
    if body is not None:
        data = json.dumps(body).encode()
        headers.setdefault("Content-Type", "application/json")
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return Response(resp.status, resp.headers, resp.read().decode())
    except urllib.error.HTTPError as err:
        return Response(err.code, err.headers, err.read().decode())


def raw_http(port, data, timeout=10):
    """Sends raw bytes to a server on loopback; returns all it answered until it closed or went quiet."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(data)
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except (ConnectionResetError, socket.timeout):
                break
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks).decode(errors="replace")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def mint(sub="user-1", tier="premium", secret=JWT_SECRET, algorithm="HS256", exp_in=600, **claims):
    payload = {"sub": sub, "subscription_tier": tier, "exp": int(time.time()) + exp_in, **claims}
    if tier is None:
        del payload["subscription_tier"]
    return jwt.encode(payload, secret, algorithm=algorithm)


class Stack:
    """A sandbox and a service wired to it, with a fresh SQLite file and Fernet key."""

    def __init__(self, service_env=None, sandbox_args=(), configured=True, start_sandbox=True,
                 redirect_uri="https://app.example/audible/callback", launcher=()):
        """`launcher` comes before the service's command line: a wrapper that prepares the process
        (moves it into a cgroup, say) and execs the rest."""
        self.dir = tempfile.mkdtemp(prefix="ac-e2e-")
        self.key = Fernet.generate_key().decode()
        self.sandbox = None
        if start_sandbox:
            self.sandbox = Process(
                [SANDBOX_BIN, "--port", "0", "--redirect-uri", redirect_uri,
                 *sandbox_args], {"PATH": os.environ.get("PATH", "")}, self.dir)
        env = {
            "PATH": os.environ.get("PATH", ""),
            "PORT": "0",
            "DATABASE_URL": f"sqlite:///{self.dir}/service.db",
            "AUDIBLE_TOKEN_ENCRYPTION_KEY": self.key,
            "JWT_SECRET_KEY": JWT_SECRET,
            "LOG_LEVEL": "debug",
        }
        if configured:
            provider = self.sandbox.base if self.sandbox else "http://127.0.0.1:9"
            env.update({
                "AUDIBLE_CLIENT_ID": "sandbox-client",
                "AUDIBLE_CLIENT_SECRET": "sandbox-secret",
                "AUDIBLE_REDIRECT_URI": redirect_uri,
                "AUDIBLE_AUTH_URL": provider,
                "AUDIBLE_API_BASE_URL": provider,
            })
        env.update(service_env or {})
        self.env = env  # to start the service again on the same data
        try:
            self.service = Process([*launcher, SERVICE_BIN, "serve"], env, self.dir)
        except RuntimeError:
            if self.sandbox:
                self.sandbox.stop()
            raise

    def close(self):
        """Stops both; fails if either reported a sanitizer error. Returns the service's exit code."""
        code = self.service.stop()
        processes = [self.service]
        if self.sandbox:
            self.sandbox.stop()
            processes.append(self.sandbox)
        for process in processes:
            log = process.log()
            for marker in ("ERROR: AddressSanitizer", "runtime error:", "ERROR: LeakSanitizer"):
                assert marker not in log, f"{process.proc.args[0]}: {log[log.index(marker):][:4000]}"
        return code

    def api(self, method, path, **kwargs):
        return request(method, self.service.base + API + path, **kwargs)

    def authorize(self, token):
        resp = self.api("POST", "/oauth/authorize", body={}, token=token)
        assert resp.status == 200, (resp.status, resp.body)
        return resp.json()

    def approve(self, auth_url, user="listener-1", decision="approve"):
        return approve(self.sandbox.base, auth_url, user, decision)

    def connect(self, token, user="listener-1"):
        start = self.authorize(token)
        back = self.approve(start["auth_url"], user=user)
        resp = self.api("POST", "/oauth/callback", body=back, token=token)
        return start, back, resp

    def sandbox_stats(self, user=""):
        return request("GET", self.sandbox.base + "/_sandbox/stats?user=" + urllib.parse.quote(user)).json()

    def sandbox_control(self, path, **body):
        resp = request("POST", self.sandbox.base + "/_sandbox/" + path, body=body)
        assert resp.status == 200, resp.body

    def add_fault(self, **fault):
        resp = request("POST", self.sandbox.base + "/_sandbox/faults", body=fault)
        assert resp.status == 200, resp.body


def approve(sandbox_base, auth_url, user="listener-1", decision="approve"):
    """Does what a person does on the sandbox's page; returns the redirect's query."""
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(auth_url).query))
    page = request("GET", sandbox_base + "/authorize?" + urllib.parse.urlencode(query))
    assert page.status == 200, page.body
    csrf = re.search(r'name="csrf_token" value="([^"]*)"', page.body).group(1)
    form = {**query, "user": user, "decision": decision, "csrf_token": csrf}
    opener = urllib.request.build_opener(NoRedirect)
    req = urllib.request.Request(sandbox_base + "/authorize", data=urllib.parse.urlencode(form).encode(), method="POST")
    try:
        opener.open(req)
        raise AssertionError("expected a redirect")
    except urllib.error.HTTPError as err:
        assert err.code == 302, err.code
        location = err.headers["Location"]
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))


def wait_for_ready(base, status, step=0.05):
    """Polls /ready until it answers `status` (within 10 s) and returns that answer."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        resp = request("GET", base + "/ready")
        if resp.status == status:
            return resp
        time.sleep(step)
    raise AssertionError(f"/ready never answered {status}: {resp.status} {resp.body}")


def parallel(n, fn):
    """Runs fn(i) on n threads released together; returns their results in order."""
    results = [None] * n
    barrier = threading.Barrier(n)

    def run(i):
        barrier.wait()
        results[i] = fn(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results
