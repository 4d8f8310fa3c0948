// A library page (src/audible): the JSON body and a total-count header, through
// parse_library_page, every item through audiobook_from_product and back out as the contract's
// JSON. Numbers must come out within their clamps; nothing may throw.

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "audible/api_client.h"
#include "audible/audiobook.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  // "TOTAL-COUNT\nBODY"; without a newline, all of it is the body.
  const auto newline = input.find('\n');
  const bool has_header = newline != std::string_view::npos;
  ac::OutboundResponse raw{200, {}, std::string(has_header ? input.substr(newline + 1) : input)};
  if (has_header) raw.headers.emplace_back("total-count", std::string(input.substr(0, newline)));
  const auto json = nlohmann::json::parse(raw.body, nullptr, false);
  if (!json.is_object()) return 0;
  const auto page = ac::parse_library_page(json, raw);
  if (!page) return 0;
  if (page->total_count && (*page->total_count < 0 || *page->total_count > ac::kMaxTotalCount)) {
    std::abort();
  }
  for (const auto& item : page->items) {
    const auto book = ac::audiobook_from_product(item);
    if (!book) continue;
    if (book->duration_minutes &&
        (*book->duration_minutes < 0 || *book->duration_minutes > ac::kMaxDurationMinutes)) {
      std::abort();
    }
    if (book->rating && !(*book->rating >= 0 && *book->rating <= ac::kMaxRating)) std::abort();
    (void)ac::to_json(*book).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  return 0;
}
