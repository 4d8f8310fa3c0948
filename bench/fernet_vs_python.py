#!/usr/bin/python3
"""Our Fernet against Python's cryptography.fernet on the same 1 KiB tokens, in one run.

  /usr/bin/python3 bench/fernet_vs_python.py [build/release/bench/fernet_throughput] [COUNT]

Python encrypts COUNT random 1 KiB plaintexts; both sides then decrypt those same tokens and
encrypt those same plaintexts. Each side's figure is its best of 5 rounds. Also prints the raw
OpenSSL AES-128-CBC + HMAC-SHA256 floor on the same bytes.
"""
import json
import os
import subprocess
import sys
import tempfile
import time

from cryptography import __version__ as cryptography_version
from cryptography.fernet import Fernet

ROUNDS = 5


def best_ops(count, work):
    best = 0.0
    for _ in range(ROUNDS):
        start = time.perf_counter()
        work()
        best = max(best, count / (time.perf_counter() - start))
    return best


def main():
    tool = sys.argv[1] if len(sys.argv) > 1 else "build/release/bench/fernet_throughput"
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
    key = Fernet.generate_key()
    fernet = Fernet(key)
    plaintexts = [os.urandom(1024) for _ in range(count)]
    tokens = [fernet.encrypt(p) for p in plaintexts]

    py_encrypt = best_ops(count, lambda: [fernet.encrypt(p) for p in plaintexts])
    py_decrypt = best_ops(count, lambda: [fernet.decrypt(t) for t in tokens])

    with tempfile.NamedTemporaryFile("w", suffix=".tokens") as f:
        f.write("\n".join(t.decode() for t in tokens) + "\n")
        f.flush()
        ours = json.loads(
            subprocess.run([tool, key.decode(), f.name, str(ROUNDS)], check=True,
                           capture_output=True, text=True).stdout)

    print(f"{count} tokens of 1 KiB, best of {ROUNDS}; Python cryptography {cryptography_version}")
    print(f"{'operation':10} {'ours ops/s':>12} {'python ops/s':>13} {'ours/python':>12} "
          f"{'raw openssl':>12} {'raw/ours':>9}")
    for name, py, raw in (("encrypt", py_encrypt, ours["raw_seal"]),
                          ("decrypt", py_decrypt, ours["raw_open"])):
        print(f"{name:10} {ours[name]:12,.0f} {py:13,.0f} {ours[name] / py:11.1f}x "
              f"{raw:12,.0f} {raw / ours[name]:8.2f}x")


if __name__ == "__main__":
    main()
