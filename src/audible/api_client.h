#pragma once

// Audible's API (CONTRACT.md section 3): library pages with the user's token, and the catalog.
// GETs are retried per net/retry.h; every attempt is timed into audible_api_response_time_ms.
// Blocking: call it off the I/O threads.

#include <expected>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "config/settings.h"
#include "crypto/secret.h"
#include "net/http_client.h"
#include "net/retry.h"
#include "sync/provider_backoff.h"

namespace ac {

enum class ApiFailure {
  kUnavailable,   // unreachable, timed out, 429/5xx after retries, or not the JSON expected
  kUnauthorized,  // 401/403: the user's authorization is gone
};

struct ApiError {
  ApiFailure kind;
  std::string reason;  // for the log
};

struct LibraryPage {
  std::vector<nlohmann::json> items;
  std::optional<std::int64_t> total_count;  // the total-count header
  std::optional<std::string> state_token;   // the state-token header
};

// The total-count header is clamped to 0..kMaxTotalCount.
inline constexpr std::int64_t kMaxTotalCount = 1'000'000'000;

// A library page's 200 JSON object and the response it came in (for its headers): the items (a
// missing list is an empty page; one that is not a list is kUnavailable), total-count and
// state-token.
std::expected<LibraryPage, ApiError> parse_library_page(const nlohmann::json& json,
                                                        const OutboundResponse& raw);

class AudibleApiClient {
 public:
  // Every 429 is reported to `backoff`, when given.
  AudibleApiClient(const Settings& settings, HttpClient& http, RetryPolicy policy = {},
                   ProviderBackoff* backoff = nullptr);

  // Pages start at 1. With a state token, only what changed since it.
  std::expected<LibraryPage, ApiError> library_page(const Secret& access_token, int page,
                                                    int num_results,
                                                    const std::optional<std::string>& state_token);
  std::expected<std::vector<nlohmann::json>, ApiError> search(std::string_view keywords,
                                                              int num_results);
  // The {"product": {...}} object; an empty or unknown product is an empty object.
  std::expected<nlohmann::json, ApiError> product(std::string_view asin);

 private:
  std::expected<OutboundResponse, ApiError> get(const std::string& url, HeaderList headers);
  // A 200 JSON object; with `not_found_is_empty`, a 404 reads as an empty object.
  std::expected<nlohmann::json, ApiError> get_json(const std::string& url, HeaderList headers,
                                                   OutboundResponse* raw = nullptr,
                                                   bool not_found_is_empty = false);

  const Settings& settings_;
  HttpClient& http_;
  RetryPolicy policy_;
  ProviderBackoff* backoff_;
};

// The response_groups and image size every product request asks for.
inline constexpr std::string_view kProductResponseGroups =
    "product_desc,contributors,product_attrs,media,rating";

}  // namespace ac
