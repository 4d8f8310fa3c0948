#pragma once

// Catalog answers kept for a short time (AUDIBLE_CATALOG_CACHE_SECONDS), at most a set number of
// them (the oldest goes first), so that repeated searches and details do not reach the provider.

#include <chrono>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "audible/audiobook.h"

namespace ac {

class CatalogCache {
 public:
  using Clock = std::chrono::steady_clock;
  CatalogCache(std::chrono::seconds ttl, std::size_t max_entries);

  std::optional<std::vector<Audiobook>> get(const std::string& key);
  void put(const std::string& key, std::vector<Audiobook> books);

 private:
  struct Entry {
    std::vector<Audiobook> books;
    Clock::time_point expires_at;
    std::list<std::string>::iterator age;
  };
  const std::chrono::seconds ttl_;
  const std::size_t max_entries_;
  std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
  std::list<std::string> oldest_first_;
};

}  // namespace ac
