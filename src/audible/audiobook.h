#pragma once

// The contract's Audiobook, and how Audible's product JSON (library items and catalog products
// alike, in the shapes documented by mkb79/Audible and rmcrackan/AudibleApi) maps onto it.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace ac {

struct Audiobook {
  std::string asin;
  std::optional<std::string> title;
  std::optional<std::string> author;    // names joined with ", "
  std::optional<std::string> narrator;  // likewise
  std::optional<std::string> image;     // the 500 px product image
  std::optional<std::string> description;
  std::optional<std::int64_t> duration_minutes;
  std::optional<double> rating;  // overall average
  std::optional<std::string> purchase_date;
  bool is_owned = false;
};

// The provider's numbers are clamped into these ranges (a year of audio; Audible's five stars).
inline constexpr std::int64_t kMaxDurationMinutes = 365 * 24 * 60;
inline constexpr double kMaxRating = 5.0;

// nullopt when the product has no ASIN, or no title (an empty product).
std::optional<Audiobook> audiobook_from_product(const nlohmann::json& product);

// {"asin", "title", "author", "narrator", "image", "description", "duration_minutes", "rating",
//  "is_owned", "source": "audible"}; unknown fields are null.
nlohmann::json to_json(const Audiobook& book);

// ^[A-Z0-9]{10}$
bool is_valid_asin(std::string_view asin);

}  // namespace ac
