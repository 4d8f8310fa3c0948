#pragma once

// The sandbox's generated Audible catalog and per-user libraries, deterministic: product k has
// the same ASIN, title and people on every run, and a user's library is a run of the catalog
// starting at an offset derived from the user id, so that searches can find owned books.

#include <cstdint>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace ac::sandbox {

inline constexpr int kCatalogSize = 20'000;

nlohmann::json catalog_product(int index);
std::optional<int> catalog_index(const std::string& asin);
// Products whose title, authors or narrators contain every keyword (case-insensitive).
std::vector<nlohmann::json> search_catalog(const std::string& keywords, int limit);

struct LibraryPage {
  std::vector<nlohmann::json> items;
  std::int64_t total_count = 0;
  std::string state_token;
};

class Libraries {
 public:
  explicit Libraries(int default_size) : default_size_(default_size) {}

  // Pages from 1. With a state token from an earlier answer, only the items changed since it,
  // revoked ones with status "Revoked".
  LibraryPage page(const std::string& user, int page, int num_results,
                   const std::optional<std::string>& state_token);

  void set_size(const std::string& user, int size);
  void add(const std::string& user, int count);     // new purchases, as one change
  void revoke(const std::string& user, int count);  // the newest active ones, as one change

 private:
  struct Item {
    int catalog_index;
    int position;  // purchase order: higher is newer
    bool revoked = false;
    int changed_at = 1;
  };
  struct Library {
    std::vector<Item> items;
    int version = 1;
  };
  Library& library_for(const std::string& user);  // with mutex_ held

  int default_size_;
  std::mutex mutex_;
  std::map<std::string, Library> libraries_;
};

}  // namespace ac::sandbox
