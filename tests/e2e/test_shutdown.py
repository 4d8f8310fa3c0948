"""SIGTERM lets a request in flight finish, then the service exits 0."""
import signal
import threading
import time
import unittest

from harness import Stack, mint


class GracefulShutdown(unittest.TestCase):
    def test_in_flight_callback_finishes(self):
        stack = Stack()
        token = mint("leaving")
        start = stack.authorize(token)
        back = stack.approve(start["auth_url"])
        stack.add_fault(path="/token", delay_ms=1000, times=1)
        seen = stack.sandbox_stats()["requests_started"]
        result = {}
        worker = threading.Thread(
            target=lambda: result.update(resp=stack.api("POST", "/oauth/callback", body=back, token=token)))
        worker.start()
        # Signal only once the exchange is under way at the sandbox: the request is in flight.
        deadline = time.monotonic() + 20
        while stack.sandbox_stats()["requests_started"] == seen and time.monotonic() < deadline:
            time.sleep(0.01)
        stack.service.proc.send_signal(signal.SIGTERM)
        worker.join(timeout=30)
        code = stack.close()
        self.assertEqual(result["resp"].status, 200, result["resp"].body)
        self.assertEqual(code, 0)
        self.assertIn("shutting down", stack.service.log())


if __name__ == "__main__":
    unittest.main(verbosity=2)
