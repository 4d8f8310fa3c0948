#include "audible/catalog.h"

namespace ac {

std::expected<std::vector<Audiobook>, ApiError> Catalog::search(std::string_view keywords,
                                                                int limit) {
  const std::string key = "search:" + std::to_string(limit) + ":" + std::string(keywords);
  if (auto cached = cache_.get(key)) return std::move(*cached);
  auto products = api_.search(keywords, limit);
  if (!products) return std::unexpected(products.error());
  std::vector<Audiobook> books;
  for (const auto& product : *products) {
    if (auto book = audiobook_from_product(product)) books.push_back(std::move(*book));
    if (static_cast<int>(books.size()) == limit) break;
  }
  cache_.put(key, books);
  return books;
}

std::expected<std::optional<Audiobook>, ApiError> Catalog::details(std::string_view asin) {
  const std::string key = "product:" + std::string(asin);
  if (auto cached = cache_.get(key)) {
    if (cached->empty()) return std::optional<Audiobook>();
    return std::optional<Audiobook>(std::move(cached->front()));
  }
  auto product = api_.product(asin);
  if (!product) return std::unexpected(product.error());
  auto book = audiobook_from_product(*product);
  cache_.put(key, book ? std::vector<Audiobook>{*book} : std::vector<Audiobook>{});
  return book;
}

}  // namespace ac
