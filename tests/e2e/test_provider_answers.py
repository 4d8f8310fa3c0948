"""What the service makes of the provider's less usual answers (src/oauth/provider_client): a
token answer without user_id (the id_token's sub, else the customer information endpoint, whose id
may be a number), a customer information endpoint that refuses or fails (the grant it could not
name is revoked), and a revocation the provider refuses at disconnect. The sandbox answers through its faults, with tokens seeded as its
own grants so that the library sync after the callback works."""
import base64
import json
import unittest

from harness import Stack, mint


def id_token(sub):
    """An unsigned id_token: the service reads only its sub (it came straight over TLS)."""
    part = lambda obj: base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()
    return f"{part({'alg': 'RS256'})}.{part({'sub': sub})}.c2ln"


class ProviderAnswers(unittest.TestCase):
    def setUp(self):
        self.stack = Stack()
        self.addCleanup(self.stack.close)
        self.stack.sandbox_control("grants", user="listener-9", access_token="seeded-access",
                                   refresh_token="seeded-refresh", expires_in=3600)

    def callback_with_token_answer(self, answer, token):
        """A callback whose token exchange gets `answer` (seeded tokens added) from the sandbox."""
        self.stack.add_fault(path="/token", status=200, times=1, body=json.dumps(
            {"access_token": "seeded-access", "refresh_token": "seeded-refresh",
             "expires_in": 3600, **answer}))
        start = self.stack.authorize(token)
        back = self.stack.approve(start["auth_url"], user="listener-9")
        return self.stack.api("POST", "/oauth/callback", body=back, token=token)

    def test_without_user_id_the_id_tokens_sub_is_the_account(self):
        resp = self.callback_with_token_answer({"id_token": id_token("amzn1.account.IDTOKEN")}, mint("u-1"))
        self.assertEqual(resp.status, 200, resp.body)
        self.assertEqual(resp.json()["audible_user_id"], "amzn1.account.IDTOKEN")

    def test_without_user_id_or_id_token_the_customer_information_names_it(self):
        self.stack.add_fault(path="/1.0/customer/information", status=200, times=1,
                             body='{"customer_info": {"customer_id": "amzn1.account.CUSTOMER"}}')
        resp = self.callback_with_token_answer({}, mint("u-2"))
        self.assertEqual(resp.status, 200, resp.body)
        self.assertEqual(resp.json()["audible_user_id"], "amzn1.account.CUSTOMER")
        # A number for an id, outside customer_info, is the same id as text.
        self.stack.add_fault(path="/1.0/customer/information", status=200, times=1,
                             body='{"user_id": 12345678901234567890}')
        resp = self.callback_with_token_answer({"id_token": "not-a-jwt"}, mint("u-3"))
        self.assertEqual(resp.status, 200, resp.body)
        self.assertEqual(resp.json()["audible_user_id"], "12345678901234567890")

    def test_customer_information_that_refuses_or_fails(self):
        for status, body, expected in [(401, '{"message": "bad token"}', (400, "audible_oauth_failed")),
                                       (200, '{"customer_info": {}}', (400, "audible_oauth_failed")),
                                       (500, "oops", (503, "audible_service_unavailable")),
                                       (429, "{}", (503, "audible_service_unavailable"))]:
            self.stack.add_fault(path="/1.0/customer/information", status=status, body=body, times=1)
            revocations = self.stack.sandbox_stats()["revocations"]
            resp = self.callback_with_token_answer({}, mint(f"u-{status}-{len(body)}"))
            self.assertEqual((resp.status, resp.json()["detail"]), expected, (status, body))
            # The grant nobody could name is given back, not left valid at the provider.
            self.assertEqual(self.stack.sandbox_stats()["revocations"], revocations + 1, (status, body))
        self.assertEqual(self.stack.sandbox_stats("listener-9")["active_refresh_tokens"], 0)
        log = self.stack.service.log()
        self.assertIn("refresh token revoked", log)
        self.assertIn("grant not stored", log)
        self.assertNotIn("seeded-access", log)
        self.assertNotIn("seeded-refresh", log)

    def test_a_refused_revocation_still_disconnects(self):
        token = mint("u-4")
        self.assertEqual(self.callback_with_token_answer({"user_id": "amzn1.account.R"}, token).status, 200)
        self.stack.add_fault(path="/revoke", status=400, body='{"error": "invalid_request"}', times=1)
        self.assertEqual(self.stack.api("POST", "/disconnect", token=token).status, 200)
        self.assertEqual(self.stack.api("GET", "/connected", token=token).json(), {"connected": False})
        log = self.stack.service.log()
        self.assertIn("token revocation failed", log)
        self.assertIn("revoke answered 400", log)


if __name__ == "__main__":
    unittest.main()
