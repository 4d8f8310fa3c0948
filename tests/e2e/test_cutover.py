"""The cut-over from the Python service, as docs/MIGRATION.md walks it, on SQLite and on PostgreSQL:
a mongoexport dump written the way the Python service encrypts (cryptography.fernet), import-mongo,
the imported tokens used against the sandbox (a sync, a refresh), key rotation with a run killed
half-way, and backups restored into a fresh store."""
import json
import re
import os
import signal
import sqlite3
import subprocess
import tempfile
import threading
import time
import unittest

from cryptography.fernet import Fernet

import harness
from cluster import Server
from harness import JWT_SECRET, Process, mint, request

REDIRECT_URI = "https://app.example/audible/callback"


def mongo_date(seconds, canonical=False):
    if canonical:
        return {"$date": {"$numberLong": str(int(seconds * 1000))}}
    return {"$date": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(seconds))}


def document(user_id, access, refresh, expires_at, canonical=False, **extra):
    """One user_audible_accounts document as mongoexport writes it."""
    now = time.time()
    return {"_id": {"$oid": os.urandom(12).hex()}, "user_id": user_id, "audible_user_id": f"listener-{user_id}",
            "access_token": access, "refresh_token": refresh,
            "expires_at": mongo_date(expires_at, canonical), "connected_at": mongo_date(now - 86400, canonical),
            "synced_at": None, "last_sync_error": None, "sync_status": "never_synced",
            "is_active": True, "created_at": mongo_date(now - 86400, canonical), **extra}


class CutOver:
    """The runbook on one store; subclasses say which (SQLite or PostgreSQL)."""

    def database_url(self):
        raise NotImplementedError

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="ac-cutover-")
        self.python_key = Fernet.generate_key().decode()  # the key the Python service had
        self.sandbox = Process([harness.SANDBOX_BIN, "--port", "0", "--redirect-uri", REDIRECT_URI,
                                "--rotate-refresh-tokens"], {"PATH": os.environ.get("PATH", "")}, self.dir)
        self.env = {"PATH": os.environ.get("PATH", ""), "PORT": "0", "DATABASE_URL": self.database_url(),
                    "AUDIBLE_TOKEN_ENCRYPTION_KEY": self.python_key, "JWT_SECRET_KEY": JWT_SECRET,
                    "LOG_LEVEL": "info", "AUDIBLE_CLIENT_ID": "sandbox-client",
                    "AUDIBLE_CLIENT_SECRET": "sandbox-secret", "AUDIBLE_REDIRECT_URI": REDIRECT_URI,
                    "AUDIBLE_AUTH_URL": self.sandbox.base, "AUDIBLE_API_BASE_URL": self.sandbox.base,
                    "AUDIBLE_RATE_LIMIT_GENERAL_PER_MINUTE": "100000"}
        self.services = []

    def tearDown(self):
        for service in self.services:
            service.stop()
        self.sandbox.stop()

    def cli(self, *args, env=None, check=None):
        result = subprocess.run([harness.SERVICE_BIN, *args], env={**self.env, **(env or {})},
                                capture_output=True, text=True, timeout=120)
        if check is not None:
            self.assertEqual(result.returncode, check, result.stdout + result.stderr)
        return result

    def serve(self, **env):
        service = Process([harness.SERVICE_BIN, "serve"], {**self.env, **env}, self.dir)
        self.services.append(service)
        return service

    def grant(self, user, access, refresh):
        """The sandbox learns tokens the Python service got from it: the dump's grants are real."""
        resp = request("POST", self.sandbox.base + "/_sandbox/grants",
                       body={"user": f"listener-{user}", "access_token": access, "refresh_token": refresh,
                             "expires_in": 3600})
        self.assertEqual(resp.status, 200, resp.body)

    def write_dump(self, accounts, array=False):
        path = os.path.join(self.dir, "user_audible_accounts.json")
        with open(path, "w") as f:
            if array:
                json.dump(accounts, f, indent=2)
            else:
                for line in accounts:
                    f.write(line if isinstance(line, str) else json.dumps(line))
                    f.write("\n")
        return path

    def python_dump(self, users):
        """What mongoexport gives for the Python service's accounts; returns (path, tokens by user)."""
        python = Fernet(self.python_key.encode())
        stranger = Fernet(Fernet.generate_key())
        tokens, lines = {}, []
        for i, user in enumerate(users):
            access, refresh = f"Atna|access-{user}", f"Atnr|refresh-{user}"
            self.grant(user, access, refresh)
            tokens[user] = (access, refresh)
            plaintext = user.endswith("-plain")  # stored before the Python service had a key
            stored_access = access if plaintext else python.encrypt(access.encode()).decode()
            stored_refresh = refresh if plaintext else python.encrypt(refresh.encode()).decode()
            # Already expired: the first sync must refresh with the imported refresh token.
            lines.append(document(user, stored_access, stored_refresh, time.time() - 60, canonical=bool(i % 2)))
        lines.append(document("unknown-key", stranger.encrypt(b"Atna|x").decode(),
                              stranger.encrypt(b"Atnr|x").decode(), time.time() + 3600))
        lines.append(document("switched-off", python.encrypt(b"Atna|y").decode(), "", time.time(), is_active=False))
        lines.append('{"user_id": "broken", "access_token": ')
        lines.append(json.dumps({"access_token": python.encrypt(b"Atna|z").decode()}))
        return self.write_dump(lines), tokens

    def sync(self, base, user):
        return request("POST", base + harness.API + "/library/sync", token=mint(user))

    def test_runbook(self):
        users = [f"user-{i}" for i in range(6)] + ["user-6-plain", "user-7-plain"]
        dump, _ = self.python_dump(users)

        # 1. Schema, then the import: counted, the bad documents named by line, exit 1.
        self.cli("migrate", check=0)
        first = self.cli("import-mongo", dump, check=1)
        self.assertIn("read 12, imported 8, updated 0, unchanged 0, skipped 4 "
                      "(inactive 1, invalid 2, unknown_key 1)", first.stdout)
        self.assertIn("line 9 (user unknown-key): skipped: a token that no configured key opens", first.stderr)
        self.assertIn("line 11: skipped: not valid JSON", first.stderr)
        self.assertIn("line 12: skipped: missing user_id", first.stderr)
        for secret in ("Atna|", "Atnr|", "gAAAAA"):
            self.assertNotIn(secret, first.stdout + first.stderr)
        again = self.cli("import-mongo", dump, check=1)  # idempotent
        self.assertIn("read 12, imported 0, updated 0, unchanged 8, skipped 4", again.stdout)
        self.assert_no_plaintext_tokens()

        # 2. Check: every imported token opens under the Python service's key; serve could start.
        dry = self.cli("rotate-keys", "--dry-run", check=0)
        self.assertIn("tokens under key 1 (first): 16", dry.stdout)
        self.cli("check-config", check=0)

        # 3. Serve: the imported tokens work against the provider, refresh included.
        service = self.serve()
        for user in users:
            resp = self.sync(service.base, user)
            self.assertEqual(resp.status, 200, (user, resp.body))
        self.assertGreaterEqual(request("GET", self.sandbox.base + "/_sandbox/stats").json()["refreshes"], len(users))

        # 4. A new key first, the old one after it; rotate while syncs run; a run killed half-way.
        new_key = Fernet.generate_key().decode()
        keys = {"AUDIBLE_TOKEN_ENCRYPTION_KEY": f"{new_key},{self.python_key}"}
        service.stop()
        self.services.remove(service)
        service = self.serve(**keys)
        self.add_accounts(300, keys)
        stop = threading.Event()
        statuses = []

        def keep_syncing():
            while not stop.is_set():
                statuses.extend(self.sync(service.base, user).status for user in users[:3])

        syncer = threading.Thread(target=keep_syncing)
        syncer.start()
        try:
            killed = subprocess.Popen([harness.SERVICE_BIN, "rotate-keys", "--batch-size", "5"],
                                      env={**self.env, **keys}, stdout=subprocess.PIPE,
                                      stderr=subprocess.DEVNULL, text=True)
            for _ in range(3):  # three batches committed, then the run dies
                self.assertTrue(killed.stdout.readline().startswith("progress: scanned"))
            killed.send_signal(signal.SIGKILL)
            killed.wait()
            killed.stdout.close()
            half = self.cli("rotate-keys", "--dry-run", env=keys, check=0).stdout
            under_old = int(re.search(r"tokens under key 2: (\d+)", half).group(1))
            self.assertGreater(under_old, 0, half)  # really half-way
            finished = self.cli("rotate-keys", "--batch-size", "50", env=keys, check=0)
        finally:
            stop.set()
            syncer.join()
        self.assertEqual(set(statuses), {200})
        self.assertRegex(finished.stdout, r"accounts scanned 308, re-encrypted \d+, already current \d+, failed 0")
        after = self.cli("rotate-keys", "--dry-run", env=keys, check=0)
        self.assertIn("tokens under key 2: 0", after.stdout)
        self.assertIn("tokens under no configured key: 0", after.stdout)

        # 5. Drop the old key: every account still works.
        service.stop()
        self.services.remove(service)
        service = self.serve(AUDIBLE_TOKEN_ENCRYPTION_KEY=new_key)
        for user in users:
            self.assertEqual(self.sync(service.base, user).status, 200, user)
            status = request("GET", service.base + harness.API + "/connected", token=mint(user)).json()
            self.assertEqual(status["sync_status"], "synced")

        # 6. A backup taken while syncs run restores into a fresh store that works.
        restored_url = self.backup_and_restore(lambda: [self.sync(service.base, u) for u in users])
        restored = self.serve(AUDIBLE_TOKEN_ENCRYPTION_KEY=new_key, DATABASE_URL=restored_url)
        for user in users:
            self.assertEqual(self.sync(restored.base, user).status, 200, user)

    def test_a_key_dropped_too_early_is_a_clear_state(self):
        dump, _ = self.python_dump(["early-1"])
        self.cli("import-mongo", dump, check=1)
        service = self.serve(AUDIBLE_TOKEN_ENCRYPTION_KEY=Fernet.generate_key().decode())
        resp = self.sync(service.base, "early-1")
        self.assertNotEqual(resp.status, 500, resp.body)
        status = request("GET", service.base + harness.API + "/connected", token=mint("early-1")).json()
        self.assertEqual((status["sync_status"], status["last_sync_error"]),
                         ("reauth_required", "Token decryption failed"))
        self.assertIn("was a key dropped from AUDIBLE_TOKEN_ENCRYPTION_KEY", service.log())

    def test_a_plaintext_token_is_encrypted_at_its_first_read(self):
        # The Python service without a key stored plaintext; with a key and plaintext allowed, the
        # first read writes it back encrypted (not only at the next refresh).
        self.grant("legacy", "Atna|legacy-access", "Atnr|legacy-refresh")
        self.cli("import-mongo", self.write_dump([document("legacy", "x", "y", time.time() + 3600)]), check=0)
        self.overwrite_tokens("legacy", "Atna|legacy-access", "Atnr|legacy-refresh")
        service = self.serve(AUDIBLE_ALLOW_PLAINTEXT_TOKENS="true")
        self.assertEqual(self.sync(service.base, "legacy").status, 200)
        self.assert_no_plaintext_tokens()

    def test_a_json_array_dump_imports_the_same(self):
        python = Fernet(self.python_key.encode())
        accounts = [document(f"array-{i}", python.encrypt(b"Atna|a").decode(), python.encrypt(b"Atnr|r").decode(),
                             time.time() + 3600, canonical=bool(i % 2)) for i in range(3)]
        out = self.cli("import-mongo", self.write_dump(accounts, array=True), check=0)
        self.assertIn("read 3, imported 3, updated 0, unchanged 0, skipped 0", out.stdout)

    def add_accounts(self, n, keys):
        python = Fernet(self.python_key.encode())
        lines = [document(f"bulk-{i:04d}", python.encrypt(b"Atna|bulk").decode(),
                          python.encrypt(b"Atnr|bulk").decode(), time.time() + 3600) for i in range(n)]
        self.cli("import-mongo", self.write_dump(lines), env=keys, check=0)


class CutOverSqlite(CutOver, unittest.TestCase):
    def database_url(self):
        self.db_path = os.path.join(self.dir, "service.db")
        return f"sqlite:///{self.db_path}"

    def assert_no_plaintext_tokens(self):
        with sqlite3.connect(self.db_path) as db:
            for access, refresh in db.execute("SELECT access_token, refresh_token FROM accounts"):
                self.assertTrue(access.startswith("gAAAAA"))
                self.assertTrue(refresh == "" or refresh.startswith("gAAAAA"))

    def overwrite_tokens(self, user, access, refresh):
        with sqlite3.connect(self.db_path) as db:
            db.execute("UPDATE accounts SET access_token = ?, refresh_token = ? WHERE user_id = ?",
                       (access, refresh, user))

    def backup_and_restore(self, during):
        backup = os.path.join(self.dir, "backup.db")
        runner = threading.Thread(target=during)
        runner.start()
        subprocess.run(["sqlite3", self.db_path, f".backup '{backup}'"], check=True)
        runner.join()
        restored = os.path.join(self.dir, "restored", "service.db")
        os.makedirs(os.path.dirname(restored))
        os.replace(backup, restored)
        return f"sqlite:///{restored}"


class CutOverPostgres(CutOver, unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server_dir = tempfile.mkdtemp(prefix="ac-cutover-pg-")
        cls.server = Server("postgres.sh", cls.server_dir, port_argument=False)
        cls.databases = 0

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def fresh_database(self):
        CutOverPostgres.databases += 1
        name = f"cutover_{os.getpid()}_{CutOverPostgres.databases}"
        subprocess.run(["psql", self.server.url, "-q", "-c", f"CREATE DATABASE {name}"], check=True)
        return self.server.url.rsplit("/", 1)[0] + "/" + name

    def database_url(self):
        self.url = self.fresh_database()
        return self.url

    def assert_no_plaintext_tokens(self):
        out = subprocess.run(["psql", self.url, "-At", "-c",
                              "SELECT count(*) FROM accounts WHERE access_token NOT LIKE 'gAAAAA%' "
                              "OR (refresh_token <> '' AND refresh_token NOT LIKE 'gAAAAA%')"],
                             capture_output=True, text=True, check=True).stdout.strip()
        self.assertEqual(out, "0")

    def overwrite_tokens(self, user, access, refresh):
        subprocess.run(["psql", self.url, "-q", "-c",
                        f"UPDATE accounts SET access_token = '{access}', refresh_token = '{refresh}' "
                        f"WHERE user_id = '{user}'"], check=True)

    def backup_and_restore(self, during):
        backup = os.path.join(self.dir, "backup.dump")
        runner = threading.Thread(target=during)
        runner.start()
        subprocess.run(["pg_dump", "--format=custom", "--file", backup, self.url], check=True)
        runner.join()
        restored = self.fresh_database()
        subprocess.run(["pg_restore", "--no-owner", "--dbname", restored, backup], check=True)
        return restored


if __name__ == "__main__":
    unittest.main()
