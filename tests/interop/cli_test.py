"""audible-connect keygen and check-config, as a user runs them.

Usage: cli_test.py PATH/TO/audible-connect
"""
import os
import subprocess
import sys
import unittest

from cryptography.fernet import Fernet

BINARY = None


def run(*args, env=None):
    base = {"PATH": os.environ.get("PATH", "")}
    return subprocess.run([BINARY, *args], env={**base, **(env or {})}, capture_output=True, text=True)


class Keygen(unittest.TestCase):
    def test_prints_a_key_python_accepts(self):
        result = run("keygen")
        self.assertEqual(result.returncode, 0)
        key = result.stdout.strip()
        self.assertEqual(len(key), 44)
        token = Fernet(key.encode()).encrypt(b"ok")
        self.assertEqual(Fernet(key.encode()).decrypt(token), b"ok")
        self.assertNotEqual(key, run("keygen").stdout.strip())


class CheckConfig(unittest.TestCase):
    def test_usable(self):
        key = Fernet.generate_key().decode()
        result = run("check-config", env={"AUDIBLE_TOKEN_ENCRYPTION_KEY": key, "JWT_SECRET_KEY": "jwt-s3cret",
                                          "AUDIBLE_INTEGRATION_ENABLED": "false", "PORT": "0"})
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("status:            usable", result.stdout)
        self.assertNotIn(key, result.stdout + result.stderr)
        self.assertNotIn("jwt-s3cret", result.stdout + result.stderr)

    def test_bad_value_is_one_line_and_exit_1(self):
        result = run("check-config", env={"AUDIBLE_TOKEN_ENCRYPTION_KEY": "hunter2-not-a-key"})
        self.assertEqual(result.returncode, 1)
        self.assertEqual(len(result.stderr.splitlines()), 1)
        self.assertIn("AUDIBLE_TOKEN_ENCRYPTION_KEY", result.stderr)
        self.assertNotIn("hunter2", result.stderr)

    def test_version(self):
        result = run("--version")
        self.assertEqual(result.returncode, 0)
        self.assertRegex(result.stdout, r"^audible-connect \d+\.\d+\.\d+\n$")

    def test_unknown_command_fails(self):
        self.assertNotEqual(run("no-such-command").returncode, 0)


if __name__ == "__main__":
    BINARY = sys.argv.pop(1)
    unittest.main(verbosity=2)
