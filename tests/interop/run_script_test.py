"""scripts/run.sh refuses a port that is taken, at once and before building anything.

Usage: run_script_test.py SOURCE_DIR
"""
import os
import socket
import subprocess
import sys
import time
import unittest

SOURCE = None


class PortTaken(unittest.TestCase):
    def check(self, variable):
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen(1)
            port = taken.getsockname()[1]
            env = {**os.environ, "PORT": "0", "SANDBOX_PORT": "0", variable: str(port)}
            started = time.monotonic()
            result = subprocess.run([os.path.join(SOURCE, "scripts/run.sh")], env=env,
                                    capture_output=True, text=True, timeout=60)
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertIn(f"port {port} is taken", result.stderr)
        self.assertIn(variable + "=", result.stderr)
        self.assertNotIn("listening", result.stdout)
        self.assertLess(time.monotonic() - started, 5)  # nothing was built or started

    def test_service_port(self):
        self.check("PORT")

    def test_sandbox_port(self):
        self.check("SANDBOX_PORT")


if __name__ == "__main__":
    SOURCE = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
