#include "audible/audiobook.h"

#include <cctype>

#include "util/bounded_number.h"

namespace ac {
namespace {

std::optional<std::string> text(const nlohmann::json& object, const char* name) {
  const auto it = object.find(name);
  if (it == object.end() || !it->is_string() || it->get<std::string>().empty()) return std::nullopt;
  return it->get<std::string>();
}

std::optional<std::string> joined_names(const nlohmann::json& product, const char* field) {
  const auto it = product.find(field);
  if (it == product.end() || !it->is_array()) return std::nullopt;
  std::string names;
  for (const auto& person : *it) {
    const auto name = person.is_object() ? text(person, "name") : std::nullopt;
    if (!name) continue;
    if (!names.empty()) names += ", ";
    names += *name;
  }
  if (names.empty()) return std::nullopt;
  return names;
}

std::optional<double> rating_of(const nlohmann::json& product) {
  const auto rating = product.find("rating");
  if (rating == product.end() || !rating->is_object()) return std::nullopt;
  const auto overall = rating->find("overall_distribution");
  if (overall == rating->end() || !overall->is_object()) return std::nullopt;
  const auto average = overall->find("display_average_rating");
  if (average == overall->end()) return std::nullopt;
  return bounded_real(*average, {0.0, kMaxRating});
}

nlohmann::json or_null(const auto& value) {
  return value ? nlohmann::json(*value) : nlohmann::json();
}

}  // namespace

std::optional<Audiobook> audiobook_from_product(const nlohmann::json& product) {
  if (!product.is_object()) return std::nullopt;
  Audiobook book;
  const auto asin = text(product, "asin");
  book.title = text(product, "title");
  if (!asin || !book.title) return std::nullopt;
  book.asin = *asin;
  book.author = joined_names(product, "authors");
  book.narrator = joined_names(product, "narrators");
  const auto images = product.find("product_images");
  if (images != product.end() && images->is_object()) book.image = text(*images, "500");
  book.description = text(product, "publisher_summary");
  if (!book.description) book.description = text(product, "merchandising_summary");
  const auto runtime = product.find("runtime_length_min");
  if (runtime != product.end()) {
    book.duration_minutes = bounded_integer(*runtime, {0, kMaxDurationMinutes});
  }
  book.rating = rating_of(product);
  book.purchase_date = text(product, "purchase_date");
  return book;
}

nlohmann::json to_json(const Audiobook& book) {
  return {{"asin", book.asin},
          {"title", or_null(book.title)},
          {"author", or_null(book.author)},
          {"narrator", or_null(book.narrator)},
          {"image", or_null(book.image)},
          {"description", or_null(book.description)},
          {"duration_minutes", or_null(book.duration_minutes)},
          {"rating", or_null(book.rating)},
          {"is_owned", book.is_owned},
          {"source", "audible"}};
}

bool is_valid_asin(std::string_view asin) {
  if (asin.size() != 10) return false;
  for (const unsigned char c : asin) {
    if (!std::isdigit(c) && !(c >= 'A' && c <= 'Z')) return false;
  }
  return true;
}

}  // namespace ac
