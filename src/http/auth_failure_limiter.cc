#include "http/auth_failure_limiter.h"

#include <algorithm>
#include <cstdio>

#include "net/address_set.h"

namespace ac {
namespace {

// The address itself, or for IPv6 its /64 (an IPv4-mapped one is IPv4).
std::string key_of(std::string_view address) {
  const auto ip = parse_ip(address);
  if (!ip || address.find(':') == std::string_view::npos) return std::string(address);
  const auto& b = *ip;
  if (b[10] == 0xff && b[11] == 0xff &&
      std::all_of(b.begin(), b.begin() + 10, [](auto x) { return x == 0; })) {
    char text[16];
    std::snprintf(text, sizeof text, "%u.%u.%u.%u", b[12], b[13], b[14], b[15]);
    return text;
  }
  char text[40];
  std::snprintf(text, sizeof text, "%02x%02x:%02x%02x:%02x%02x:%02x%02x::/64", b[0], b[1], b[2],
                b[3], b[4], b[5], b[6], b[7]);
  return text;
}

}  // namespace

AuthFailureLimiter::AuthFailureLimiter(int limit_per_minute) : limit_(limit_per_minute) {}

std::optional<int> AuthFailureLimiter::blocked(std::string_view address, std::int64_t now_seconds) {
  const std::string key = key_of(address);
  std::lock_guard lock(mutex_);
  const auto it = windows_.find(key);
  if (it == windows_.end() || it->second.minute != now_seconds / 60 ||
      it->second.failures < limit_) {
    return std::nullopt;
  }
  return static_cast<int>(60 - now_seconds % 60);
}

int AuthFailureLimiter::record(std::string_view address, std::int64_t now_seconds) {
  const std::int64_t minute = now_seconds / 60;
  std::string key = key_of(address);
  std::lock_guard lock(mutex_);
  if (windows_.size() >= sweep_at_) {
    std::erase_if(windows_, [&](const auto& entry) { return entry.second.minute != minute; });
    sweep_at_ = std::max<std::size_t>(1024, windows_.size() * 2);
  }
  Window& window = windows_[std::move(key)];
  if (window.minute != minute) window = Window{minute, 0};
  return ++window.failures;
}

}  // namespace ac
