"""/openapi.json as a frontend developer reads it: every operation named in snake_case, every error
status with its exact detail strings, FastAPI's 422 components, the bearer scheme, and the
contract's error table for each endpoint."""
import re
import unittest

from harness import API, Stack, request

# CONTRACT.md section 2: each endpoint's own errors (those of every authenticated endpoint too).
CONTRACT_ERRORS = {
    ("post", "/oauth/authorize"): {503: ["audible_integration_not_configured"], 500: ["failed_to_generate_oauth_url"]},
    ("post", "/oauth/callback"): {400: ["invalid_state_parameter", "audible_oauth_denied", "audible_oauth_failed"],
                                  503: ["audible_service_unavailable", "audible_integration_not_configured"]},
    ("post", "/disconnect"): {404: ["No Audible account connected"]},
    ("post", "/library/sync"): {400: ["Audible account not connected"], 409: ["audible_reauth_required"],
                                503: ["audible_service_unavailable", "audible_integration_not_configured"]},
    ("get", "/library"): {400: ["Audible account not connected"]},
    ("get", "/search"): {400: ["Search query must be at least 2 characters"],
                         503: ["audible_service_unavailable", "audible_integration_not_configured"]},
    ("get", "/{asin}/details"): {400: ["invalid_asin"], 404: ["audiobook_not_found"], 503: ["audible_service_unavailable"]},
    ("get", "/{asin}/play-url"): {400: ["invalid_asin"]},
}
EVERY_AUTHENTICATED = {401: ["Could not validate credentials"], 400: ["Inactive user"], 403: ["audible_requires_premium"],
                       429: ["rate_limit_exceeded"], 503: ["auth_service_unavailable"], 500: ["internal_error"]}
RESPONSE_SCHEMAS = {
    ("post", "/oauth/authorize"): "AudibleOAuthUrlResponse",
    ("post", "/oauth/callback"): "AudibleOAuthCallbackResponse",
    ("get", "/connected"): "AudibleConnectionResponse",
    ("post", "/disconnect"): "AudibleDisconnectResponse",
    ("post", "/library/sync"): "AudibleLibrarySyncResponse",
    ("get", "/{asin}/details"): "Audiobook",
    ("get", "/{asin}/play-url"): "AudiblePlayUrlResponse",
}


class OpenApi(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        stack = Stack(configured=False, start_sandbox=False)
        try:
            cls.doc = request("GET", stack.service.base + "/openapi.json").json()
        finally:
            stack.close()
        cls.operations = [(path, method, op) for path, item in cls.doc["paths"].items() for method, op in item.items()]

    def op(self, method, path):
        return self.doc["paths"][API + path][method]

    def resolve(self, node):
        ref = node["$ref"]
        self.assertTrue(ref.startswith("#/components/schemas/"), ref)
        return self.doc["components"]["schemas"][ref.rsplit("/", 1)[1]]

    def test_every_operation_has_a_unique_snake_case_operation_id(self):
        ids = [op["operationId"] for _, _, op in self.operations]
        for operation_id in ids:
            self.assertRegex(operation_id, r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
        self.assertEqual(len(ids), len(set(ids)))
        self.assertEqual(self.op("post", "/oauth/callback")["operationId"], "handle_audible_oauth_callback")
        self.assertGreaterEqual(len(ids), 13)

    def test_every_error_status_lists_its_detail_strings(self):
        for path, method, op in self.operations:
            for status, response in op["responses"].items():
                if int(status) < 400 or status == "422" or (path == "/ready" and status == "503"):
                    continue
                schema = response["content"]["application/json"]["schema"]
                details = schema["properties"]["detail"]["enum"]
                self.assertTrue(details and all(isinstance(d, str) and d for d in details), (path, status))
                self.assertEqual(len(details), len(set(details)), (path, status))
                for detail in details:
                    self.assertIn(detail, response["description"])

    def test_the_contract_error_table(self):
        for (method, path), own in CONTRACT_ERRORS.items():
            responses = self.op(method, path)["responses"]
            for status, details in list(own.items()) + list(EVERY_AUTHENTICATED.items()):
                listed = responses[str(status)]["content"]["application/json"]["schema"]["properties"]["detail"]["enum"]
                for detail in details:
                    self.assertIn(detail, listed, (method, path, status))
            self.assertEqual(self.op(method, path)["security"], [{"bearerAuth": []}])
        for method, path in (("post", "/oauth/callback"), ("get", "/library"), ("get", "/search"),
                             ("get", "/{asin}/play-url")):
            schema = self.op(method, path)["responses"]["422"]["content"]["application/json"]["schema"]
            self.assertEqual(schema, {"$ref": "#/components/schemas/HTTPValidationError"})

    def test_fastapi_validation_components(self):
        schemas = self.doc["components"]["schemas"]
        detail = schemas["HTTPValidationError"]["properties"]["detail"]
        self.assertEqual((detail["type"], detail["items"]), ("array", {"$ref": "#/components/schemas/ValidationError"}))
        self.assertEqual(set(schemas["ValidationError"]["required"]), {"loc", "msg", "type"})
        self.assertLessEqual({"loc", "msg", "type", "input"}, set(schemas["ValidationError"]["properties"]))

    def test_every_ref_resolves(self):
        refs = []

        def walk(node):
            if isinstance(node, dict):
                if "$ref" in node:
                    refs.append(node)
                for value in node.values():
                    walk(value)
            elif isinstance(node, list):
                for value in node:
                    walk(value)

        walk(self.doc)
        self.assertGreaterEqual(len(refs), 15)
        for node in refs:
            self.resolve(node)

    def test_request_bodies(self):
        callback = self.op("post", "/oauth/callback")["requestBody"]
        self.assertTrue(callback["required"])
        schema = self.resolve(callback["content"]["application/json"]["schema"])
        self.assertEqual(set(schema["properties"]), {"code", "state", "iss", "error"})
        self.assertEqual(schema["required"], ["state"])
        authorize = self.op("post", "/oauth/authorize")["requestBody"]
        self.assertFalse(authorize["required"])
        schema = self.resolve(authorize["content"]["application/json"]["schema"])
        self.assertEqual(set(schema["properties"]), {"redirect_uri"})

    def test_response_schemas(self):
        for (method, path), name in RESPONSE_SCHEMAS.items():
            schema = self.op(method, path)["responses"]["200"]["content"]["application/json"]["schema"]
            self.assertEqual(schema, {"$ref": "#/components/schemas/" + name}, path)
        for path in ("/library", "/search"):
            schema = self.op("get", path)["responses"]["200"]["content"]["application/json"]["schema"]
            self.assertEqual(schema, {"type": "array", "items": {"$ref": "#/components/schemas/Audiobook"}})
        audiobook = self.doc["components"]["schemas"]["Audiobook"]
        self.assertEqual(set(audiobook["properties"]), {"asin", "title", "author", "narrator", "image", "description",
                                                        "duration_minutes", "rating", "is_owned", "source"})
        health = self.doc["paths"]["/health"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        self.assertEqual(self.resolve(health)["properties"]["status"]["enum"], ["ok"])

    def test_parameters_with_bounds(self):
        def params(path):
            return {p["name"]: p for p in self.op("get", path)["parameters"]}
        q = params("/search")["q"]
        self.assertTrue(q["required"])
        self.assertEqual(q["schema"], {"type": "string", "maxLength": 200})
        self.assertEqual(params("/search")["limit"]["schema"],
                         {"type": "integer", "minimum": 1, "maximum": 50, "default": 20})
        library = params("/library")
        self.assertEqual(library["limit"]["schema"], {"type": "integer", "minimum": 1, "maximum": 100, "default": 20})
        self.assertEqual(library["skip"]["schema"], {"type": "integer", "minimum": 0, "default": 0})
        self.assertFalse(library["skip"]["required"])
        asin = params("/{asin}/details")["asin"]
        self.assertEqual((asin["in"], asin["required"]), ("path", True))

    def test_security_scheme_and_cors_note(self):
        scheme = self.doc["components"]["securitySchemes"]["bearerAuth"]
        self.assertEqual((scheme["type"], scheme["scheme"]), ("http", "bearer"))
        self.assertIn("BACKEND_CORS_ORIGINS", self.doc["info"]["description"])
        for path in ("/health", "/ready", "/metrics", "/openapi.json"):
            self.assertNotIn("security", self.doc["paths"][path]["get"])
        self.assertTrue(re.match(r"^3\.", self.doc["openapi"]))


if __name__ == "__main__":
    unittest.main(verbosity=2)
