#pragma once

// Catalog search and product details, through the short-lived cache. No user token needed.
// Concurrent misses of one key make one provider call, the others wait for its answer: popular
// searches all expire at once, and without this each request waiting at that moment would take
// a provider connection of its own (the soak's 503s, docs/BENCHMARKS.md "Soak").

#include <expected>
#include <optional>
#include <vector>

#include "audible/api_client.h"
#include "audible/catalog_cache.h"
#include "util/single_flight.h"

namespace ac {

class Catalog {
 public:
  Catalog(AudibleApiClient& api, CatalogCache& cache) : api_(api), cache_(cache) {}

  std::expected<std::vector<Audiobook>, ApiError> search(std::string_view keywords, int limit);
  // nullopt for an unknown ASIN (the provider's empty product).
  std::expected<std::optional<Audiobook>, ApiError> details(std::string_view asin);

 private:
  using Books = std::expected<std::vector<Audiobook>, ApiError>;
  // The cached books under `key`, or those of one call of `fetch` shared by concurrent misses
  // (and cached when it succeeds).
  template <typename Fetch>
  Books cached_or(const std::string& key, Fetch fetch);

  AudibleApiClient& api_;
  CatalogCache& cache_;
  SingleFlight<std::string, Books> flights_;
};

}  // namespace ac
