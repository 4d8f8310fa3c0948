"""A SQLite database the service cannot write (issue 10): /ready turns 503 within the probe
interval while the file is read-only and 200 again once it is not, and serve refuses to start on a
read-only file or in a directory it cannot write.

File modes bind only users other than root, so as root the service runs as `nobody` (setpriv),
from a copy of the binary (the build tree may be closed to other users), with a data directory
that user owns. Not root, it runs as the caller. Skipped only as root without a `nobody` user or
setpriv."""
import os
import pwd
import shutil
import stat
import subprocess
import tempfile
import time
import unittest

from cryptography.fernet import Fernet

import harness
from harness import JWT_SECRET, Process, wait_for_ready

PROBE_SECONDS = 1  # the readiness probe's interval


def unprivileged():
    """(argv prefix, uid, gid) to run a command as a user that file modes bind, or a skip reason."""
    if os.geteuid() != 0:
        return [], os.geteuid(), os.getegid()
    try:
        nobody = pwd.getpwnam("nobody")
    except KeyError:
        return "running as root and there is no user nobody to run the service as"
    if not shutil.which("setpriv"):
        return "running as root and setpriv (util-linux) is missing"
    prefix = ["setpriv", f"--reuid={nobody.pw_uid}", f"--regid={nobody.pw_gid}", "--clear-groups"]
    return prefix, nobody.pw_uid, nobody.pw_gid


class UnwritableSqlite(unittest.TestCase):
    def setUp(self):
        user = unprivileged()
        if isinstance(user, str):
            self.skipTest(user)
        self.prefix, uid, gid = user
        self.workdir = tempfile.mkdtemp(prefix="ac-e2e-")
        self.addCleanup(shutil.rmtree, self.workdir, ignore_errors=True)
        os.chmod(self.workdir, 0o755)
        self.binary = os.path.join(self.workdir, "audible-connect")
        shutil.copy(harness.SERVICE_BIN, self.binary)
        self.data = os.path.join(self.workdir, "data")
        os.mkdir(self.data, 0o700)
        os.chown(self.data, uid, gid)
        self.db = os.path.join(self.data, "service.db")
        self.env = {"PATH": os.environ.get("PATH", ""), "PORT": "0",
                    "DATABASE_URL": f"sqlite:///{self.db}",
                    "AUDIBLE_TOKEN_ENCRYPTION_KEY": Fernet.generate_key().decode(),
                    "JWT_SECRET_KEY": JWT_SECRET, "AUDIBLE_INTEGRATION_ENABLED": "false"}

    def serve(self):
        service = Process([*self.prefix, self.binary, "serve"], self.env, self.workdir)
        self.addCleanup(service.stop)
        return service

    def refused(self):
        """serve's exit code and output, when it stops on its own within 20 s."""
        result = subprocess.run([*self.prefix, self.binary, "serve"], env=self.env, cwd=self.workdir,
                                capture_output=True, text=True, timeout=20)
        return result.returncode, result.stdout + result.stderr

    def test_ready_is_503_while_the_file_is_read_only(self):
        service = self.serve()
        wait_for_ready(service.base, 200)
        self.assertEqual(os.stat(self.db).st_uid, os.stat(self.data).st_uid)  # the service made it
        os.chmod(self.db, 0o400)
        made_read_only = time.monotonic()
        resp = wait_for_ready(service.base, 503)
        # One probe interval, plus the probe's own run and this loop's step.
        self.assertLess(time.monotonic() - made_read_only, PROBE_SECONDS + 1.5)
        self.assertEqual(resp.json()["checks"]["store"], "unavailable")
        self.assertIn("read-only", service.log())
        os.chmod(self.db, 0o600)
        wait_for_ready(service.base, 200)

    def test_serve_refuses_a_read_only_file(self):
        service = self.serve()  # creates and migrates the database
        wait_for_ready(service.base, 200)
        self.assertEqual(service.stop(), 0)
        os.chmod(self.db, 0o400)
        code, output = self.refused()
        self.assertNotEqual(code, 0, output)
        self.assertIn(self.db, output)

    def test_serve_refuses_a_directory_it_cannot_write(self):
        os.chmod(self.data, stat.S_IRUSR | stat.S_IXUSR)
        code, output = self.refused()
        self.assertNotEqual(code, 0, output)
        self.assertIn(self.data, output)
        self.assertFalse(os.path.exists(self.db))


if __name__ == "__main__":
    unittest.main()
