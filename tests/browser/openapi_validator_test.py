"""/openapi.json as served by the real binary, checked by an independent validator from npm
(@apidevtools/swagger-parser, via validate_openapi.mjs).

Usage: openapi_validator_test.py NPM_DIR (where install.sh put the npm packages); AC_BUILD_DIR as
for e2e.
"""
import os
import subprocess
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
from harness import Stack, request  # noqa: E402

NPM_DIR = None


class OpenApiValidator(unittest.TestCase):
    def validate(self, document):
        path = os.path.join(NPM_DIR, "openapi-under-test.json")
        with open(path, "w") as f:
            f.write(document)
        return subprocess.run(["node", os.path.join(NPM_DIR, "validate_openapi.mjs"), path],
                              cwd=NPM_DIR, capture_output=True, text=True, timeout=60)

    def test_served_document_is_valid_openapi(self):
        stack = Stack(start_sandbox=False)
        try:
            served = request("GET", stack.service.base + "/openapi.json")
        finally:
            stack.close()
        self.assertEqual(served.status, 200)
        run = self.validate(served.body)
        self.assertEqual(run.returncode, 0, run.stderr + run.stdout)
        self.assertTrue(run.stdout.startswith("valid: OpenAPI 3."), run.stdout)

    def test_validator_refuses_a_broken_document(self):
        # Not a rubber stamp: an operation without responses breaks the OpenAPI 3.0 schema.
        run = self.validate('{"openapi":"3.0.3","info":{"title":"t","version":"1"},'
                            '"paths":{"/a":{"get":{"summary":"no responses"}}}}')
        self.assertEqual(run.returncode, 1, run.stdout)
        self.assertIn("invalid:", run.stderr)


if __name__ == "__main__":
    NPM_DIR = os.path.abspath(sys.argv.pop(1))
    unittest.main()
