"""TLS_CERT_FILE/TLS_KEY_FILE: the service speaks HTTPS, TLS 1.2 and up only."""
import datetime
import os
import ssl
import unittest
import urllib.request

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from harness import Stack, mint


def self_signed(directory):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = os.path.join(directory, "cert.pem"), os.path.join(directory, "key.pem")
    with open(cert_path, "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    with open(key_path, "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()))
    return cert_path, key_path


class Tls(unittest.TestCase):
    def test_https_with_tls12_and_up(self):
        import tempfile
        directory = tempfile.mkdtemp(prefix="ac-tls-")
        cert, key = self_signed(directory)
        stack = Stack({"TLS_CERT_FILE": cert, "TLS_KEY_FILE": key}, start_sandbox=False, configured=False)
        self.addCleanup(stack.close)
        url = f"https://localhost:{stack.service.port}/api/v1/user/audible/connected"

        context = ssl.create_default_context(cafile=cert)
        req = urllib.request.Request(url, headers={"Authorization": f"Bearer {mint('tls-user')}"})
        with urllib.request.urlopen(req, context=context, timeout=10) as resp:
            self.assertEqual(resp.status, 200)
            self.assertEqual(resp.read(), b'{"connected":false}')
            self.assertEqual(resp.headers["Strict-Transport-Security"],
                             "max-age=31536000; includeSubDomains; preload")

        for version in (ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3):
            pinned = ssl.create_default_context(cafile=cert)
            pinned.minimum_version = pinned.maximum_version = version
            with urllib.request.urlopen(f"https://localhost:{stack.service.port}/health", context=pinned,
                                        timeout=10) as resp:
                self.assertEqual(resp.status, 200, version)

        old = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        old.load_verify_locations(cert)
        old.set_ciphers("ALL:@SECLEVEL=0")
        old.minimum_version = old.maximum_version = ssl.TLSVersion.TLSv1_1
        with self.assertRaises(Exception):
            urllib.request.urlopen(f"https://localhost:{stack.service.port}/health", context=old, timeout=10)

        # Plain HTTP on the TLS port gets nothing useful.
        with self.assertRaises(Exception):
            urllib.request.urlopen(f"http://localhost:{stack.service.port}/health", timeout=10).read()


if __name__ == "__main__":
    unittest.main(verbosity=2)
