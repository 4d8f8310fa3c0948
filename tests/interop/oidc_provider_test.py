"""The service against a real identity provider from npm (panva's oidc-provider, started by
idp/idp.mjs): its JWKS and its RS256 and ES256 access tokens, a key rotation on its side while
the service runs, unknown kids that must not make us hammer its JWKS, and its opaque tokens
resolved through a user-info endpoint.

Usage: oidc_provider_test.py IDP_DIR (where idp/install.sh put it); AC_BUILD_DIR as for e2e.
"""
import base64
import hashlib
import hmac
import json
import os
import subprocess
import sys
import time
import unittest
import urllib.parse
import uuid

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
from harness import JWT_SECRET, Stack, mint, request  # noqa: E402

IDP_DIR = None


class IdentityProvider:
    def __init__(self):
        self.proc = subprocess.Popen(["node", "idp.mjs"], cwd=IDP_DIR, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True)
        self.base = f"http://127.0.0.1:{json.loads(self.proc.stdout.readline())['port']}"

    def close(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)
        self.proc.stdout.close()

    def token(self, client, resource):
        form = urllib.parse.urlencode({"grant_type": "client_credentials", "client_id": client,
                                       "client_secret": "interop-secret", "resource": resource,
                                       "scope": "api"}).encode()
        resp = request("POST", self.base + "/token", raw=form,
                       headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert resp.status == 200, resp.body
        return resp.json()["access_token"]

    def jwks_fetches(self):
        return request("GET", self.base + "/_test/stats").json()["jwks_fetches"]

    def rotate(self):
        return request("POST", self.base + "/_test/rotate").json()["rsa_kid"]


class OidcProvider(unittest.TestCase):
    def setUp(self):
        self.idp = IdentityProvider()
        self.addCleanup(self.idp.close)

    def start(self, env):
        stack = Stack(env, start_sandbox=False)
        self.addCleanup(stack.close)
        return stack

    def start_with_jwks(self):
        # The HS256 secret stays configured too, as during the platform's own move to RS256.
        return self.start({"JWT_JWKS_URL": self.idp.base + "/jwks", "JWT_ISSUER": self.idp.base,
                           "JWT_AUDIENCE": "audible-connect"})

    @staticmethod
    def status(stack, token):
        return stack.api("GET", "/connected", token=token).status

    def test_its_rs256_and_es256_tokens(self):
        stack = self.start_with_jwks()
        rs = self.idp.token("listener-premium", "urn:audible-connect:rs256")
        es = self.idp.token("listener-premium", "urn:audible-connect:es256")
        self.assertEqual(jwt.get_unverified_header(rs)["alg"], "RS256")
        self.assertEqual(jwt.get_unverified_header(es)["alg"], "ES256")
        self.assertEqual(self.status(stack, rs), 200)
        self.assertEqual(self.status(stack, es), 200)
        basic = stack.api("GET", "/connected", token=self.idp.token("listener-basic", "urn:audible-connect:es256"))
        self.assertEqual((basic.status, basic.json()), (403, {"detail": "audible_requires_premium"}))
        # HS256 alongside, with the same issuer and audience rules.
        self.assertEqual(self.status(stack, mint("hs", iss=self.idp.base, aud="audible-connect")), 200)
        self.assertEqual(self.status(stack, mint("hs", aud="audible-connect")), 401)

        # Its kid on a token signed by someone else, its kid under another alg, and the
        # algorithm-confusion attack with its RSA key's PEM as the HMAC secret: all 401.
        claims = jwt.decode(rs, options={"verify_signature": False})
        kid = jwt.get_unverified_header(rs)["kid"]
        stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.assertEqual(self.status(stack, jwt.encode(claims, stranger, "RS256", headers={"kid": kid})), 401)
        es_kid = jwt.get_unverified_header(es)["kid"]
        self.assertEqual(self.status(stack, jwt.encode(claims, stranger, "RS256", headers={"kid": es_kid})), 401)
        jwk = next(k for k in request("GET", self.idp.base + "/jwks").json()["keys"] if k["kid"] == kid)
        pem = jwt.algorithms.RSAAlgorithm.from_jwk(json.dumps(jwk)).public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        self.assertEqual(self.status(stack, hs256_with_raw_key(claims, pem, kid)), 401)
        self.assertEqual(self.status(stack, hs256_with_raw_key(claims, pem, None)), 401)

    def test_key_rotation_on_its_side_without_restart(self):
        stack = self.start_with_jwks()
        old = self.idp.token("listener-premium", "urn:audible-connect:rs256")
        es = self.idp.token("listener-premium", "urn:audible-connect:es256")
        self.assertEqual(self.status(stack, old), 200)
        new_kid = self.idp.rotate()
        new = self.idp.token("listener-premium", "urn:audible-connect:rs256")
        self.assertEqual(jwt.get_unverified_header(new)["kid"], new_kid)
        time.sleep(2.2)  # the JWKS's max-age
        self.assertEqual(self.status(stack, new), 200)
        self.assertEqual(self.status(stack, old), 401)  # its key left the set: verified before, not now
        self.assertEqual(self.status(stack, es), 200)

    def test_unknown_kids_do_not_hammer_its_jwks(self):
        stack = self.start_with_jwks()
        self.assertEqual(self.status(stack, self.idp.token("listener-premium", "urn:audible-connect:rs256")), 200)
        before = self.idp.jwks_fetches()
        stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        for _ in range(10):
            token = jwt.encode({"sub": "x", "exp": int(time.time()) + 600, "iss": self.idp.base,
                                "aud": "audible-connect", "subscription_tier": "premium"},
                               stranger, "RS256", headers={"kid": uuid.uuid4().hex})
            self.assertEqual(self.status(stack, token), 401)
        self.assertLessEqual(self.idp.jwks_fetches() - before, 1)

    def test_its_opaque_tokens_through_a_userinfo_endpoint(self):
        stack = self.start({"JWT_SECRET_KEY": "", "AUTH_USERINFO_URL": self.idp.base + "/me"})
        for client, expected in [("listener-premium", 200), ("listener-basic", 403), ("listener-inactive", 400)]:
            token = self.idp.token(client, "urn:platform:opaque")
            self.assertEqual(self.status(stack, token), expected, client)
        self.assertEqual(self.status(stack, "not-a-token-it-issued"), 401)
        self.assertEqual(self.status(stack, mint("u", secret=JWT_SECRET)), 401)


def hs256_with_raw_key(claims, key_bytes, kid):
    """HS256 keyed with arbitrary bytes (PyJWT refuses PEM keys as HMAC secrets, as it should)."""
    def b64(data):
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()
    header = {"alg": "HS256", "typ": "JWT", **({"kid": kid} if kid else {})}
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(claims).encode())}"
    return f"{signing_input}.{b64(hmac.new(key_bytes, signing_input.encode(), hashlib.sha256).digest())}"


if __name__ == "__main__":
    IDP_DIR = sys.argv.pop(1)
    unittest.main(verbosity=2)
