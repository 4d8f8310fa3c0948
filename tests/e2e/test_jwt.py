"""Users from PyJWT-minted tokens: RS256 and ES256 public keys, issuer and audience checks, and
the algorithm-confusion attack (an HS256 token keyed with the public key's own bytes)."""
import base64
import hashlib
import hmac
import json
import os
import time
import unittest

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from harness import Stack, mint


def public_pem(private_key):
    return private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


class PublicKeyTokens(unittest.TestCase):
    def start(self, private_key, extra_env=None):
        path = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"ac-jwt-{os.getpid()}-{id(private_key)}.pem")
        with open(path, "wb") as f:
            f.write(public_pem(private_key))
        self.addCleanup(os.remove, path)
        stack = Stack({"JWT_PUBLIC_KEY_FILE": path, **(extra_env or {})})
        self.addCleanup(stack.close)
        return stack

    def status(self, stack, token):
        return stack.api("GET", "/connected", token=token).status

    def test_rs256(self):
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        stack = self.start(key)
        self.assertEqual(self.status(stack, mint("r", algorithm="RS256", secret=key)), 200)
        other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.assertEqual(self.status(stack, mint("r", algorithm="RS256", secret=other)), 401)
        # The HS256 secret still works alongside the public key.
        self.assertEqual(self.status(stack, mint("h")), 200)
        # Algorithm confusion: HS256 with the public key's PEM as the HMAC secret.
        pem = public_pem(key)

        def b64(data):
            return base64.urlsafe_b64encode(data).rstrip(b"=").decode()
        header = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
        claims = b64(json.dumps({"sub": "attacker", "subscription_tier": "premium",
                                 "exp": int(time.time()) + 600}).encode())
        signature = b64(hmac.new(pem, f"{header}.{claims}".encode(), hashlib.sha256).digest())
        forged = f"{header}.{claims}.{signature}"
        self.assertEqual(self.status(stack, forged), 401)
        # An RS256 header on an HMAC signature, and ES256 with an RSA key, fail too.
        self.assertEqual(self.status(stack, f"{b64(json.dumps({'alg': 'RS256'}).encode())}.{claims}.{signature}"), 401)
        self.assertEqual(self.status(stack, f"{b64(json.dumps({'alg': 'ES256'}).encode())}.{claims}.{signature}"), 401)

    def test_es256(self):
        key = ec.generate_private_key(ec.SECP256R1())
        stack = self.start(key, {"JWT_ISSUER": "https://platform.example", "JWT_AUDIENCE": "audible-connect"})
        good = {"iss": "https://platform.example", "aud": ["other", "audible-connect"]}
        self.assertEqual(self.status(stack, mint("e", algorithm="ES256", secret=key, **good)), 200)
        self.assertEqual(self.status(stack, mint("e", algorithm="ES256", secret=key,
                                                 iss="https://platform.example", aud="audible-connect")), 200)
        self.assertEqual(self.status(stack, mint("e", algorithm="ES256", secret=key, aud="audible-connect")), 401)
        self.assertEqual(self.status(stack, mint("e", algorithm="ES256", secret=key,
                                                 iss="https://evil.example", aud="audible-connect")), 401)
        self.assertEqual(self.status(stack, mint("e", algorithm="ES256", secret=key,
                                                 iss="https://platform.example", aud="someone-else")), 401)
        other = ec.generate_private_key(ec.SECP256R1())
        self.assertEqual(self.status(stack, mint("e", algorithm="ES256", secret=other, **good)), 401)
        self.assertEqual(self.status(stack, mint("e", algorithm="RS256",
                                                 secret=rsa.generate_private_key(65537, 2048), **good)), 401)
        self.assertEqual(self.status(stack, mint("e", algorithm="ES256", secret=key, nbf=9999999999, **good)), 401)


if __name__ == "__main__":
    unittest.main(verbosity=2)
