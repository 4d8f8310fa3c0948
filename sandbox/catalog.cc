#include "sandbox/catalog.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <functional>

#include "util/text.h"

namespace ac::sandbox {
namespace {

constexpr std::array<const char*, 16> kAdjectives = {
    "Silent",  "Golden", "Hidden", "Last",   "Broken", "Distant", "Crimson", "Quiet",
    "Burning", "Frozen", "Lost",   "Hollow", "Wild",   "Secret",  "Iron",    "Paper"};
constexpr std::array<const char*, 16> kNouns = {
    "Harbor", "Kingdom", "Garden", "River",   "Signal", "Orchard",  "Empire",  "Lighthouse",
    "Forest", "Machine", "Winter", "Library", "Voyage", "Mountain", "Archive", "Tide"};
constexpr std::array<const char*, 12> kFirst = {"Ada",   "Bruno", "Clara", "Dmitri",
                                                "Elena", "Farid", "Grace", "Hugo",
                                                "Ines",  "Jonas", "Keiko", "Luca"};
constexpr std::array<const char*, 12> kLast = {"Marsh",   "Okafor", "Lindqvist", "Romero",
                                               "Tanaka",  "Weller", "Novak",     "Haddad",
                                               "Brennan", "Sato",   "Moreau",    "Quinn"};

std::string person(int seed) {
  return std::string(kFirst[static_cast<std::size_t>(seed) % kFirst.size()]) + " " +
         kLast[static_cast<std::size_t>(seed / 12) % kLast.size()];
}

// Catalog index k as "B" and nine base-36 digits.
std::string asin_of(int index) {
  static constexpr char kDigits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  std::string asin(10, '0');
  asin[0] = 'B';
  std::uint64_t n = static_cast<std::uint64_t>(index) * 7919 + 104729;
  for (int i = 9; i >= 1; --i) {
    asin[static_cast<std::size_t>(i)] = kDigits[n % 36];
    n /= 36;
  }
  return asin;
}

std::string purchase_date(int position) {
  // One purchase a day from 2015-01-01, so that newer positions sort later as text too.
  const std::time_t t = 1'420'070'400 + static_cast<std::time_t>(position) * 86'400;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT10:00:00.000Z", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday);
  return buffer;
}

int offset_for(const std::string& user) {
  return static_cast<int>(std::hash<std::string>{}(user) % kCatalogSize);
}

}  // namespace

nlohmann::json catalog_product(int index) {
  const std::string asin = asin_of(index);
  const std::string title = std::string(kAdjectives[static_cast<std::size_t>(index) % 16]) + " " +
                            kNouns[static_cast<std::size_t>(index / 16) % 16] + " " +
                            std::to_string(index / 256 + 1);
  char rating[8];
  std::snprintf(rating, sizeof rating, "%.1f", 3.0 + (index % 21) / 10.0);
  return {
      {"asin", asin},
      {"title", title},
      {"subtitle", "A sandbox audiobook"},
      {"authors", {{{"asin", "A" + asin.substr(1)}, {"name", person(index)}}}},
      {"narrators", {{{"name", person(index + 5)}}, {{"name", person(index + 7)}}}},
      {"runtime_length_min", 60 + index % 900},
      {"product_images", {{"500", "https://m.media-amazon.com/images/I/" + asin + "._SL500_.jpg"}}},
      {"publisher_summary", "<p>" + title + ", read for the audible-sandbox.</p>"},
      {"rating", {{"overall_distribution", {{"display_average_rating", rating}}}}}};
}

std::optional<int> catalog_index(const std::string& asin) {
  // Inverse of asin_of, checked by recomputing.
  if (asin.size() != 10 || asin[0] != 'B') return std::nullopt;
  std::uint64_t n = 0;
  for (std::size_t i = 1; i < 10; ++i) {
    const char c = asin[i];
    const int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'Z' ? c - 'A' + 10 : -1;
    if (digit < 0) return std::nullopt;
    n = n * 36 + static_cast<std::uint64_t>(digit);
  }
  if (n < 104729 || (n - 104729) % 7919 != 0) return std::nullopt;
  const auto index = static_cast<int>((n - 104729) / 7919);
  if (index >= kCatalogSize || asin_of(index) != asin) return std::nullopt;
  return index;
}

std::vector<nlohmann::json> search_catalog(const std::string& keywords, int limit) {
  std::vector<std::string> words;
  std::string word;
  for (const char c : to_lower(keywords) + " ") {
    if (std::isspace(static_cast<unsigned char>(c))) {
      if (!word.empty()) words.push_back(std::move(word));
      word.clear();
    } else {
      word.push_back(c);
    }
  }
  std::vector<nlohmann::json> found;
  for (int index = 0; index < kCatalogSize && static_cast<int>(found.size()) < limit; ++index) {
    auto product = catalog_product(index);
    std::string haystack = to_lower(product["title"].get<std::string>());
    for (const auto* field : {"authors", "narrators"}) {
      for (const auto& p : product[field]) haystack += " " + to_lower(p["name"].get<std::string>());
    }
    if (std::all_of(words.begin(), words.end(),
                    [&](const std::string& w) { return haystack.find(w) != std::string::npos; })) {
      found.push_back(std::move(product));
    }
  }
  return found;
}

Libraries::Library& Libraries::library_for(const std::string& user) {
  auto [it, inserted] = libraries_.try_emplace(user);
  if (inserted) {
    const int offset = offset_for(user);
    for (int i = 0; i < default_size_; ++i) {
      it->second.items.push_back({(offset + i) % kCatalogSize, i});
    }
  }
  return it->second;
}

LibraryPage Libraries::page(const std::string& user, int page, int num_results,
                            const std::optional<std::string>& state_token) {
  std::lock_guard lock(mutex_);
  const Library& library = library_for(user);
  int since = 0;
  if (state_token && state_token->starts_with("sandbox-v"))
    since = std::atoi(state_token->c_str() + 9);
  std::vector<const Item*> listed;
  for (const auto& item : library.items) {
    if (since > 0 ? item.changed_at > since : !item.revoked) listed.push_back(&item);
  }
  std::sort(listed.begin(), listed.end(),
            [](const Item* a, const Item* b) { return a->position > b->position; });
  LibraryPage result;
  result.total_count = static_cast<std::int64_t>(listed.size());
  result.state_token = "sandbox-v" + std::to_string(library.version);
  const std::size_t start =
      static_cast<std::size_t>(std::max(0, page - 1)) * static_cast<std::size_t>(num_results);
  for (std::size_t i = start;
       i < listed.size() && i < start + static_cast<std::size_t>(num_results); ++i) {
    auto product = catalog_product(listed[i]->catalog_index);
    product["purchase_date"] = purchase_date(listed[i]->position);
    product["status"] = listed[i]->revoked ? "Revoked" : "Active";
    result.items.push_back(std::move(product));
  }
  return result;
}

void Libraries::set_size(const std::string& user, int size) {
  std::lock_guard lock(mutex_);
  Library fresh;
  const int offset = offset_for(user);
  for (int i = 0; i < size; ++i) fresh.items.push_back({(offset + i) % kCatalogSize, i});
  libraries_[user] = std::move(fresh);
}

void Libraries::add(const std::string& user, int count) {
  std::lock_guard lock(mutex_);
  Library& library = library_for(user);
  const int version = ++library.version;
  const int offset = offset_for(user);
  const int next = static_cast<int>(library.items.size());
  for (int i = next; i < next + count; ++i) {
    library.items.push_back({(offset + i) % kCatalogSize, i, false, version});
  }
}

void Libraries::revoke(const std::string& user, int count) {
  std::lock_guard lock(mutex_);
  Library& library = library_for(user);
  const int version = ++library.version;
  for (auto it = library.items.rbegin(); it != library.items.rend() && count > 0; ++it) {
    if (it->revoked) continue;
    it->revoked = true;
    it->changed_at = version;
    --count;
  }
}

}  // namespace ac::sandbox
