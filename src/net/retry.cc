#include "net/retry.h"

#include <algorithm>
#include <charconv>
#include <ctime>
#include <random>
#include <string>

namespace ac {

std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           std::int64_t now_unix) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  std::int64_t seconds = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (ec == std::errc() && end == value.data() + value.size()) {
    if (seconds < 0) return std::nullopt;
    return std::chrono::seconds(seconds);
  }
  // IMF-fixdate, RFC 9110 5.6.7: "Sun, 06 Nov 1994 08:49:37 GMT".
  std::tm tm{};
  const std::string text(value);
  const char* parsed = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (parsed == nullptr || *parsed != '\0') return std::nullopt;
  const std::int64_t at = timegm(&tm);
  return std::chrono::seconds(std::max<std::int64_t>(0, at - now_unix));
}

std::chrono::milliseconds retry_delay(const RetryPolicy& policy, int attempt,
                                      std::optional<std::chrono::milliseconds> server_wish) {
  if (server_wish) return std::min(*server_wish, policy.max_delay);
  const std::chrono::milliseconds doubled(policy.base_delay.count()
                                          << std::clamp(attempt - 1, 0, 20));
  const auto ceiling = std::min(policy.max_delay, doubled);
  thread_local std::mt19937_64 generator{std::random_device{}()};
  std::uniform_int_distribution<std::int64_t> jitter(0, ceiling.count());
  return std::chrono::milliseconds(jitter(generator));
}

bool is_retryable_status(long status) { return status == 429 || (status >= 500 && status <= 599); }

}  // namespace ac
