"""The container image, built and run as an operator would where no registry is reachable.

Makes a Debian 12 base with debootstrap (deploy/container/base.sh; the root filesystem is cached in
build/container-cache), builds the Containerfile on it with podman (vfs storage, chroot isolation),
then starts the service from the image with `buildah run --isolation chroot` (podman run cannot
set its rlimits on these machines) on the host's network, and asks it for /health (200) and an API
route without a token (401). Exits 77 (skipped) when podman, buildah or debootstrap is missing.

Usage: test_image.py SOURCE_DIR
"""
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import unittest
import urllib.error
import urllib.request

from cryptography.fernet import Fernet

SOURCE = None
BASE_IMAGE = "localhost/ac-debian:12"
IMAGE = "localhost/audible-connect:test"


def storage_options():
    store = os.path.join(SOURCE, "build", "container-storage")
    return ["--root", os.path.join(store, "root"), "--runroot", os.path.join(store, "run"),
            "--storage-driver", "vfs"]


def run(*args, **kwargs):
    return subprocess.run(list(args), check=True, text=True, capture_output=True, **kwargs)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def status_of(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            return resp.status
    except urllib.error.HTTPError as err:
        return err.code


def descendants(pid):
    children = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                children += [int(c) for c in f.read().split()]
    except OSError:
        return []  # gone already
    return children + [d for c in children for d in descendants(c)]


class Image(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        started = time.monotonic()
        run(os.path.join(SOURCE, "deploy/container/base.sh"), BASE_IMAGE,
            os.path.join(SOURCE, "build", "container-cache"), *storage_options())
        build = subprocess.run(
            ["podman", *storage_options(), "build", "--isolation", "chroot", "--build-arg",
             f"BASE={BASE_IMAGE}", "-t", IMAGE, "-f", os.path.join(SOURCE, "Containerfile"), SOURCE],
            text=True, capture_output=True)
        if build.returncode != 0:
            raise AssertionError("podman build failed:\n" + (build.stdout + build.stderr)[-6000:])
        print(f"base and image built in {time.monotonic() - started:.0f} s", file=sys.stderr)
        cls.container = run("buildah", *storage_options(), "from", "--quiet", IMAGE).stdout.strip()

    @classmethod
    def tearDownClass(cls):
        subprocess.run(["buildah", *storage_options(), "rm", cls.container], capture_output=True)

    def in_container(self, *command, env=()):
        args = ["buildah", *storage_options(), "run", "--isolation", "chroot"]
        for pair in env:
            args += ["--env", pair]
        return args + [self.container, "--", *command]

    def test_image_holds_the_service_only_and_runs_unprivileged(self):
        self.assertEqual(run(*self.in_container("id", "-u")).stdout.strip(), "10001")
        listing = run(*self.in_container("sh", "-c", "ls /usr/local/bin; command -v g++ cmake || true"))
        self.assertEqual(listing.stdout.split(), ["audible-connect"])
        version = run(*self.in_container("/usr/local/bin/audible-connect", "--version"))
        self.assertTrue(version.stdout.startswith("audible-connect "), version.stdout)

    def test_serves_health_and_refuses_an_api_call_without_a_token(self):
        port = free_port()
        env = [f"PORT={port}", "AUDIBLE_TOKEN_ENCRYPTION_KEY=" + Fernet.generate_key().decode(),
               "JWT_SECRET_KEY=container-test-secret-of-32-bytes!", "AUDIBLE_INTEGRATION_ENABLED=false"]
        service = subprocess.Popen(self.in_container("/usr/local/bin/audible-connect", "serve", env=env),
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while True:
                try:
                    if status_of(base + "/health") == 200:
                        break
                except OSError:
                    pass
                self.assertIsNone(service.poll(), "the service exited")
                self.assertLess(time.monotonic(), deadline, "no answer from the service")
                time.sleep(0.2)
            self.assertEqual(status_of(base + "/ready"), 200)
            self.assertEqual(status_of(base + "/api/v1/user/audible/connected"), 401)
        finally:
            # buildah forwards no signal: stop the service itself, as the container runtime would.
            for pid in descendants(service.pid):
                try:
                    if os.readlink(f"/proc/{pid}/exe").endswith("/audible-connect"):
                        os.kill(pid, signal.SIGTERM)
                except OSError:
                    pass
            try:
                output, _ = service.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                service.kill()
                output, _ = service.communicate()
        self.assertEqual(service.returncode, 0, output)
        self.assertIn('"message":"listening"', output)


if __name__ == "__main__":
    SOURCE = os.path.abspath(sys.argv.pop(1))
    if not all(shutil.which(tool) for tool in ("podman", "buildah", "debootstrap")):
        print("skipped: podman, buildah or debootstrap is not installed (scripts/setup.sh installs them)")
        sys.exit(77)
    unittest.main(verbosity=2)
