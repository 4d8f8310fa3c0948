"""Our Fernet against Python's cryptography.fernet, both ways.

Usage: fernet_interop_test.py PATH/TO/fernet-tool
"""
import os
import subprocess
import sys
import unittest

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

TOOL = None

PLAINTEXTS = [
    b"",
    b"x",
    b"Atna|EwICIJ-access-token-like-value",
    "ünïcødé ✓ tokens".encode("utf-8"),
    bytes(range(256)),
    os.urandom(15),
    os.urandom(16),
    os.urandom(17),
    os.urandom(1024),
    os.urandom(100_000),
]


def run_tool(mode, keys, lines, *extra):
    proc = subprocess.run(
        [TOOL, mode, keys, *extra],
        input="".join(line + "\n" for line in lines),
        capture_output=True,
        text=True,
        check=True,
    )
    out = proc.stdout.splitlines()
    assert len(out) == len(lines), (len(out), len(lines))
    return out


class PythonEncryptsWeDecrypt(unittest.TestCase):
    def test_single_key(self):
        key = Fernet.generate_key()
        tokens = [Fernet(key).encrypt(p).decode() for p in PLAINTEXTS]
        got = run_tool("decrypt", key.decode(), tokens)
        self.assertEqual([bytes.fromhex(h) for h in got], PLAINTEXTS)

    def test_with_ttl(self):
        key = Fernet.generate_key()
        tokens = [Fernet(key).encrypt(p).decode() for p in PLAINTEXTS[:3]]
        got = run_tool("decrypt", key.decode(), tokens, "60")
        self.assertEqual([bytes.fromhex(h) for h in got], PLAINTEXTS[:3])

    def test_old_key_in_a_rotated_list(self):
        old, new = Fernet.generate_key(), Fernet.generate_key()
        tokens = [Fernet(old).encrypt(p).decode() for p in PLAINTEXTS]
        got = run_tool("decrypt", f"{new.decode()},{old.decode()}", tokens)
        self.assertEqual([bytes.fromhex(h) for h in got], PLAINTEXTS)

    def test_wrong_key_and_tampering_are_refused(self):
        key, other = Fernet.generate_key(), Fernet.generate_key()
        token = Fernet(key).encrypt(b"secret").decode()
        tampered = token[:20] + ("A" if token[20] != "A" else "B") + token[21:]
        got = run_tool("decrypt", other.decode(), [token])
        self.assertTrue(got[0].startswith("ERROR"))
        got = run_tool("decrypt", key.decode(), [tampered])
        self.assertTrue(got[0].startswith("ERROR"))


class WeEncryptPythonDecrypts(unittest.TestCase):
    def test_single_key(self):
        key = Fernet.generate_key()
        tokens = run_tool("encrypt", key.decode(), [p.hex() for p in PLAINTEXTS])
        f = Fernet(key)
        self.assertEqual([f.decrypt(t.encode(), ttl=60) for t in tokens], PLAINTEXTS)

    def test_first_key_of_list_encrypts(self):
        first, second = Fernet.generate_key(), Fernet.generate_key()
        tokens = run_tool("encrypt", f"{first.decode()},{second.decode()}", ["6869"])
        self.assertEqual(Fernet(first).decrypt(tokens[0].encode()), b"hi")
        with self.assertRaises(InvalidToken):
            Fernet(second).decrypt(tokens[0].encode())

    def test_rotate_matches_multifernet(self):
        old, new = Fernet.generate_key(), Fernet.generate_key()
        legacy = Fernet(old).encrypt(b"rotate me").decode()
        rotated = run_tool("rotate", f"{new.decode()},{old.decode()}", [legacy])[0]
        self.assertEqual(Fernet(new).decrypt(rotated.encode()), b"rotate me")
        self.assertEqual(
            Fernet(new).extract_timestamp(rotated.encode()),
            Fernet(old).extract_timestamp(legacy.encode()),
        )
        python_rotated = MultiFernet([Fernet(new), Fernet(old)]).rotate(legacy.encode())
        got = run_tool("decrypt", new.decode(), [python_rotated.decode()])
        self.assertEqual(bytes.fromhex(got[0]), b"rotate me")


if __name__ == "__main__":
    TOOL = sys.argv.pop(1)
    unittest.main(verbosity=2)
