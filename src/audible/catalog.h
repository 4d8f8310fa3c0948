#pragma once

// Catalog search and product details, through the short-lived cache. No user token needed.

#include <expected>
#include <optional>
#include <vector>

#include "audible/api_client.h"
#include "audible/catalog_cache.h"

namespace ac {

class Catalog {
 public:
  Catalog(AudibleApiClient& api, CatalogCache& cache) : api_(api), cache_(cache) {}

  std::expected<std::vector<Audiobook>, ApiError> search(std::string_view keywords, int limit);
  // nullopt for an unknown ASIN (the provider's empty product).
  std::expected<std::optional<Audiobook>, ApiError> details(std::string_view asin);

 private:
  AudibleApiClient& api_;
  CatalogCache& cache_;
};

}  // namespace ac
