"""Several audible-connect instances as one service: a private Redis and PostgreSQL (started with
tests/servers/*.sh on free loopback ports), a sandbox, N instances sharing them, and Debian's nginx
in front with the repository's deploy/nginx/audible-connect.conf, as docs/OPERATIONS.md describes.
"""
import os
import shutil
import subprocess
import tempfile
import time

from cryptography.fernet import Fernet

import harness
from harness import JWT_SECRET, Process, request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "../.."))
SERVERS = os.path.join(ROOT, "tests/servers")
NGINX_SNIPPET = os.path.join(ROOT, "deploy/nginx/audible-connect.conf")
REDIRECT_URI = "https://app.example/audible/callback"


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One of tests/servers/*.sh: started in its own directory, its URL read from DIR/url."""

    def __init__(self, script, workdir, port_argument):
        self.script = os.path.join(SERVERS, script)
        self.dir = os.path.join(workdir, script.split(".")[0])
        self.args = []
        self.port_argument = port_argument  # redis.sh takes the port to come back on; postgres.sh keeps it
        self.start()
        harness.stop_at_exit(lambda: subprocess.run(["bash", self.script, "stop", self.dir],
                                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))

    def start(self):
        subprocess.run(["bash", self.script, "start", self.dir, *self.args], check=True,
                       stdout=subprocess.DEVNULL)
        with open(os.path.join(self.dir, "url")) as f:
            self.url = f.read().strip()
        self.port = int(self.url.rsplit(":", 1)[1].split("/")[0])
        # Come back on the same port when restarted, so that instances can reconnect.
        if self.port_argument:
            self.args = [str(self.port)]

    def stop(self):
        subprocess.run(["bash", self.script, "stop", self.dir], check=True)


class Nginx:
    """Debian's nginx, one worker, round-robin over `upstreams`, with the shipped snippet."""

    def __init__(self, workdir, upstreams):
        self.dir = os.path.join(workdir, "nginx")
        os.makedirs(self.dir, exist_ok=True)
        os.chmod(workdir, 0o755)
        os.chmod(self.dir, 0o777)
        self.port = free_port()
        servers = "".join(f"        server 127.0.0.1:{port};\n" for port in upstreams)
        config = f"""
worker_processes 1;
pid {self.dir}/nginx.pid;
error_log {self.dir}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {self.dir}/body;
    proxy_temp_path {self.dir}/proxy;
    fastcgi_temp_path {self.dir}/fastcgi;
    uwsgi_temp_path {self.dir}/uwsgi;
    scgi_temp_path {self.dir}/scgi;
    upstream audible_connect {{
{servers}        keepalive 16;
    }}
    server {{
        listen 127.0.0.1:{self.port};
        include {NGINX_SNIPPET};
    }}
}}
"""
        self.config = os.path.join(self.dir, "nginx.conf")
        with open(self.config, "w") as f:
            f.write(config)
        self.proc = subprocess.Popen(["nginx", "-p", self.dir, "-c", self.config, "-g", "daemon off;"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        harness.stop_at_exit(lambda: self.proc.poll() is None and self.proc.kill())
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("nginx exited: " + self.proc.stderr.read().decode())
            try:
                if request("GET", self.base + "/health", timeout=1).status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError("nginx did not answer")

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)


class Cluster:
    """Redis + PostgreSQL + sandbox + `instances` services + nginx. `api()` goes through nginx."""

    def __init__(self, instances=2, sandbox_args=(), service_env=None):
        self.dir = tempfile.mkdtemp(prefix="ac-cluster-")
        self.key = Fernet.generate_key().decode()
        self.redis = Server("redis.sh", self.dir, port_argument=True)
        self.postgres = Server("postgres.sh", self.dir, port_argument=False)
        self.sandbox = Process([harness.SANDBOX_BIN, "--port", "0", "--redirect-uri", REDIRECT_URI,
                                *sandbox_args], {"PATH": os.environ.get("PATH", "")}, self.dir)
        self.env = {
            "PATH": os.environ.get("PATH", ""),
            "PORT": "0",
            "DATABASE_URL": self.postgres.url,
            "DATABASE_POOL_SIZE": "8",
            "REDIS_URL": self.redis.url,
            "AUDIBLE_RATE_LIMIT_STORAGE": "redis",
            "AUDIBLE_TOKEN_ENCRYPTION_KEY": self.key,
            "JWT_SECRET_KEY": JWT_SECRET,
            "LOG_LEVEL": "info",
            "AUDIBLE_CLIENT_ID": "sandbox-client",
            "AUDIBLE_CLIENT_SECRET": "sandbox-secret",
            "AUDIBLE_REDIRECT_URI": REDIRECT_URI,
            "AUDIBLE_AUTH_URL": self.sandbox.base,
            "AUDIBLE_API_BASE_URL": self.sandbox.base,
            **(service_env or {}),
        }
        self.services = [Process([harness.SERVICE_BIN, "serve"], self.env, self.dir) for _ in range(instances)]
        self.nginx = Nginx(self.dir, [s.port for s in self.services])

    def close(self):
        self.nginx.stop()
        logs = []
        for service in self.services:
            service.stop()
            logs.append(service.log())
        self.sandbox.stop()
        self.redis.stop()
        self.postgres.stop()
        for log in logs:
            for marker in ("ERROR: AddressSanitizer", "runtime error:", "ERROR: LeakSanitizer"):
                assert marker not in log, log[log.index(marker):][:4000]
        shutil.rmtree(self.dir, ignore_errors=True)

    def api(self, method, path, base=None, **kwargs):
        return request(method, (base or self.nginx.base) + harness.API + path, **kwargs)

    def approve(self, auth_url, user):
        return harness.approve(self.sandbox.base, auth_url, user)

    def sandbox_stats(self, user=""):
        return harness.Stack.sandbox_stats(self, user)

    def sandbox_control(self, path, **body):
        harness.Stack.sandbox_control(self, path, **body)

    def add_fault(self, **fault):
        harness.Stack.add_fault(self, **fault)
