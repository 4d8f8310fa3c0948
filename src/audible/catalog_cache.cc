#include "audible/catalog_cache.h"

namespace ac {

CatalogCache::CatalogCache(std::chrono::seconds ttl, std::size_t max_entries)
    : ttl_(ttl), max_entries_(max_entries) {}

std::optional<std::vector<Audiobook>> CatalogCache::get(const std::string& key) {
  if (ttl_.count() == 0) return std::nullopt;
  std::lock_guard lock(mutex_);
  const auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  if (it->second.expires_at <= Clock::now()) {
    oldest_first_.erase(it->second.age);
    entries_.erase(it);
    return std::nullopt;
  }
  return it->second.books;
}

void CatalogCache::put(const std::string& key, std::vector<Audiobook> books) {
  if (ttl_.count() == 0) return;
  std::lock_guard lock(mutex_);
  if (const auto it = entries_.find(key); it != entries_.end()) {
    oldest_first_.erase(it->second.age);
    entries_.erase(it);
  }
  while (entries_.size() >= max_entries_) {
    entries_.erase(oldest_first_.front());
    oldest_first_.pop_front();
  }
  oldest_first_.push_back(key);
  entries_.emplace(key,
                   Entry{std::move(books), Clock::now() + ttl_, std::prev(oldest_first_.end())});
}

}  // namespace ac
