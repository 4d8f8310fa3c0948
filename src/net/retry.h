#pragma once

// When to try a GET again (CONTRACT.md section 3): on 429, 5xx and connection errors, at most
// three more times, with exponential backoff and full jitter, or after the server's Retry-After
// (seconds or an HTTP date) when it gives one, never longer than the cap.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace ac {

struct RetryPolicy {
  int max_retries = 3;
  std::chrono::milliseconds base_delay{200};
  std::chrono::milliseconds max_delay{10'000};
};

// Delay a Retry-After value asks for, at `now_unix` seconds; nullopt when it is not readable.
std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           std::int64_t now_unix);

// The wait before retry number `attempt` (1-based): the server's wish if any, else a random
// delay in [0, base * 2^(attempt-1)]; both capped by the policy.
std::chrono::milliseconds retry_delay(const RetryPolicy& policy, int attempt,
                                      std::optional<std::chrono::milliseconds> server_wish);

bool is_retryable_status(long status);

}  // namespace ac
