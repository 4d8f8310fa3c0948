#include "audible/api_client.h"

#include <openssl/crypto.h>

#include <thread>

#include "crypto/fernet.h"
#include "obs/log.h"
#include "obs/metrics.h"
#include "util/bounded_number.h"

namespace ac {

AudibleApiClient::AudibleApiClient(const Settings& settings, HttpClient& http, RetryPolicy policy,
                                   ProviderBackoff* backoff)
    : settings_(settings), http_(http), policy_(policy), backoff_(backoff) {}

std::expected<OutboundResponse, ApiError> AudibleApiClient::get(const std::string& url,
                                                                HeaderList headers) {
  headers.emplace_back("Accept", "application/json");
  const OutboundRequest request{"GET", url, std::move(headers), ""};
  std::string last_reason;
  for (int attempt = 0;; ++attempt) {
    const auto start = std::chrono::steady_clock::now();
    auto response = http_.send(request);
    metrics::registry().api_response_time_ms.observe(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
            .count());
    std::optional<std::chrono::milliseconds> server_wish;
    if (response && !is_retryable_status(response->status)) return std::move(*response);
    if (response) {
      last_reason = "answered " + std::to_string(response->status);
      if (const auto retry_after = response->header("retry-after")) {
        server_wish = parse_retry_after(*retry_after, unix_now());
      }
      if (response->status == 429 && backoff_ != nullptr) backoff_->throttled(server_wish);
    } else {
      last_reason = response.error().message;
      if (response.error().kind == TransportError::kRefusedUrl ||
          response.error().kind == TransportError::kTooLarge) {
        break;  // trying again changes nothing
      }
      // Every provider connection busy: fail fast (503) rather than queue behind slow calls.
      if (response.error().kind == TransportError::kBusy) break;
    }
    if (attempt >= policy_.max_retries) break;
    const auto delay = retry_delay(policy_, attempt + 1, server_wish);
    log::info("retrying Audible API call",
              {{"error_type", last_reason}, {"attempt", attempt + 1}, {"delay_ms", delay.count()}});
    std::this_thread::sleep_for(delay);
  }
  return std::unexpected(ApiError{ApiFailure::kUnavailable, last_reason});
}

std::expected<nlohmann::json, ApiError> AudibleApiClient::get_json(const std::string& url,
                                                                   HeaderList headers,
                                                                   OutboundResponse* raw,
                                                                   bool not_found_is_empty) {
  auto response = get(url, std::move(headers));
  if (!response) return std::unexpected(response.error());
  if (not_found_is_empty && response->status == 404) return nlohmann::json::object();
  if (response->status == 401 || response->status == 403) {
    return std::unexpected(
        ApiError{ApiFailure::kUnauthorized, "answered " + std::to_string(response->status)});
  }
  auto json = nlohmann::json::parse(response->body, nullptr, false);
  if (response->status != 200 || json.is_discarded() || !json.is_object()) {
    return std::unexpected(
        ApiError{ApiFailure::kUnavailable, "answered " + std::to_string(response->status) +
                                               (json.is_discarded() ? " without JSON" : "")});
  }
  if (raw != nullptr) *raw = std::move(*response);
  return json;
}

std::expected<LibraryPage, ApiError> AudibleApiClient::library_page(
    const Secret& access_token, int page, int num_results,
    const std::optional<std::string>& state_token) {
  std::vector<std::pair<std::string_view, std::string_view>> query = {
      {"response_groups", kProductResponseGroups}, {"image_sizes", "500"}};
  const std::string num = std::to_string(num_results);
  const std::string page_text = std::to_string(page);
  query.insert(query.begin(), {{"num_results", num}, {"page", page_text}});
  if (state_token) query.emplace_back("state_token", *state_token);
  std::string authorization = "Bearer " + std::string(access_token.reveal());
  OutboundResponse raw;
  auto json = get_json(settings_.api_base_url + "/1.0/library?" + form_body(query),
                       {{"Authorization", authorization}}, &raw);
  OPENSSL_cleanse(authorization.data(), authorization.size());
  if (!json) return std::unexpected(json.error());

  return parse_library_page(*json, raw);
}

std::expected<LibraryPage, ApiError> parse_library_page(const nlohmann::json& json,
                                                        const OutboundResponse& raw) {
  LibraryPage result;
  const auto items = json.find("items");
  if (items != json.end() && items->is_array()) {
    result.items.assign(items->begin(), items->end());
  } else if (items != json.end()) {
    return std::unexpected(ApiError{ApiFailure::kUnavailable, "library items is not a list"});
  }
  if (const auto total = raw.header("total-count")) {
    result.total_count = bounded_integer(*total, {0, kMaxTotalCount});
  }
  if (const auto token = raw.header("state-token"); token && !token->empty()) {
    result.state_token = std::string(*token);
  }
  return result;
}

std::expected<std::vector<nlohmann::json>, ApiError> AudibleApiClient::search(
    std::string_view keywords, int num_results) {
  const std::string num = std::to_string(num_results);
  auto json = get_json(settings_.api_base_url + "/1.0/catalog/products?" +
                           form_body({{"keywords", keywords},
                                      {"num_results", num},
                                      {"page", "0"},
                                      {"response_groups", kProductResponseGroups},
                                      {"image_sizes", "500"}}),
                       {}, nullptr, /*not_found_is_empty=*/true);
  if (!json) return std::unexpected(json.error());
  const auto products = json->find("products");
  if (products == json->end()) return std::vector<nlohmann::json>{};
  if (!products->is_array()) {
    return std::unexpected(ApiError{ApiFailure::kUnavailable, "products is not a list"});
  }
  return std::vector<nlohmann::json>(products->begin(), products->end());
}

std::expected<nlohmann::json, ApiError> AudibleApiClient::product(std::string_view asin) {
  auto json =
      get_json(settings_.api_base_url + "/1.0/catalog/products/" + std::string(asin) + "?" +
                   form_body({{"response_groups", kProductResponseGroups}, {"image_sizes", "500"}}),
               {}, nullptr, /*not_found_is_empty=*/true);
  if (!json) return std::unexpected(json.error());
  const auto product = json->find("product");
  if (product == json->end() || !product->is_object()) return nlohmann::json::object();
  return *product;
}

}  // namespace ac
