#include "http/connection_registry.h"

#include <sys/resource.h>

#include <algorithm>
#include <vector>

namespace ac {

std::int64_t TrackedConnection::now_ns() {
  // Never 0, which means "busy".
  return std::max<std::int64_t>(1, std::chrono::duration_cast<std::chrono::nanoseconds>(
                                       std::chrono::steady_clock::now().time_since_epoch())
                                       .count());
}

ConnectionRegistry::ConnectionRegistry(std::size_t max_connections)
    : max_(std::max<std::size_t>(1, max_connections)) {}

bool ConnectionRegistry::admit(std::shared_ptr<TrackedConnection> connection) {
  std::vector<std::shared_ptr<TrackedConnection>> to_close;
  {
    std::lock_guard lock(mutex_);
    const std::size_t batch = std::max<std::size_t>(1, max_ / 64);
    // Connections asked to close still hold their descriptors: a flood must not outrun them.
    if (connections_.size() >= max_ + batch) return false;
    if (connections_.size() - evicted_ >= max_) {
      to_close = pick_oldest_idle(batch);
      if (to_close.empty()) return false;
    }
    connections_.insert(std::move(connection));
  }
  for (const auto& old : to_close) old->close_if_idle();
  return true;
}

void ConnectionRegistry::remove(const std::shared_ptr<TrackedConnection>& connection) {
  std::lock_guard lock(mutex_);
  if (connections_.erase(connection) == 0) return;
  if (connection->evicted_) --evicted_;
  if (connections_.empty()) emptied_.notify_all();
}

bool ConnectionRegistry::close_oldest_idle() {
  std::vector<std::shared_ptr<TrackedConnection>> to_close;
  {
    std::lock_guard lock(mutex_);
    to_close = pick_oldest_idle(1);
  }
  for (const auto& old : to_close) old->close_if_idle();
  return !to_close.empty();
}

void ConnectionRegistry::close_all_idle() {
  std::vector<std::shared_ptr<TrackedConnection>> all;
  {
    std::lock_guard lock(mutex_);
    all.assign(connections_.begin(), connections_.end());
  }
  for (const auto& connection : all) connection->close_if_idle();
}

bool ConnectionRegistry::wait_until_empty(std::chrono::steady_clock::duration timeout) {
  std::unique_lock lock(mutex_);
  return emptied_.wait_for(lock, timeout, [&] { return connections_.empty(); });
}

std::vector<std::shared_ptr<TrackedConnection>> ConnectionRegistry::pick_oldest_idle(
    std::size_t count) {
  std::vector<std::pair<std::int64_t, std::shared_ptr<TrackedConnection>>> idle;
  for (const auto& connection : connections_) {
    const auto since = connection->idle_since_.load(std::memory_order_relaxed);
    if (since != 0 && !connection->evicted_) idle.emplace_back(since, connection);
  }
  count = std::min(count, idle.size());
  std::partial_sort(idle.begin(), idle.begin() + static_cast<std::ptrdiff_t>(count), idle.end(),
                    [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::shared_ptr<TrackedConnection>> picked;
  for (std::size_t i = 0; i < count; ++i) {
    idle[i].second->evicted_ = true;
    picked.push_back(std::move(idle[i].second));
  }
  evicted_ += picked.size();
  return picked;
}

std::size_t default_max_connections() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return 10'000;
  const auto soft = static_cast<std::size_t>(limit.rlim_cur);
  const std::size_t headroom = std::max<std::size_t>(64, soft / 8);
  return soft > headroom + 16 ? soft - headroom : 16;
}

}  // namespace ac
