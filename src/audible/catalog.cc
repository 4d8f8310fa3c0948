#include "audible/catalog.h"

namespace ac {

template <typename Fetch>
Catalog::Books Catalog::cached_or(const std::string& key, Fetch fetch) {
  if (auto cached = cache_.get(key)) return std::move(*cached);
  return flights_.run(key, [&]() -> Books {
    // A flight that finished between our miss and this one's start left its answer here.
    if (auto cached = cache_.get(key)) return std::move(*cached);
    auto books = fetch();
    if (books) cache_.put(key, *books);
    return books;
  });
}

std::expected<std::vector<Audiobook>, ApiError> Catalog::search(std::string_view keywords,
                                                                int limit) {
  return cached_or("search:" + std::to_string(limit) + ":" + std::string(keywords), [&]() -> Books {
    auto products = api_.search(keywords, limit);
    if (!products) return std::unexpected(products.error());
    std::vector<Audiobook> books;
    for (const auto& product : *products) {
      if (auto book = audiobook_from_product(product)) books.push_back(std::move(*book));
      if (static_cast<int>(books.size()) == limit) break;
    }
    return books;
  });
}

std::expected<std::optional<Audiobook>, ApiError> Catalog::details(std::string_view asin) {
  // Kept as a list of none or one book, so that an unknown ASIN is cached too.
  auto books = cached_or("product:" + std::string(asin), [&]() -> Books {
    auto product = api_.product(asin);
    if (!product) return std::unexpected(product.error());
    auto book = audiobook_from_product(*product);
    return book ? std::vector<Audiobook>{std::move(*book)} : std::vector<Audiobook>{};
  });
  if (!books) return std::unexpected(books.error());
  if (books->empty()) return std::optional<Audiobook>();
  return std::optional<Audiobook>(std::move(books->front()));
}

}  // namespace ac
