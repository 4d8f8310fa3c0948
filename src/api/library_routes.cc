#include "api/library_routes.h"

#include <charconv>

#include "api/responses.h"
#include "config/url.h"
#include "http/query.h"
#include "obs/log.h"
#include "obs/metrics.h"
#include "util/text.h"

namespace ac {
namespace {

using Query = std::vector<std::pair<std::string, std::string>>;

// The query parameter as a whole number in [min, max]; the default when absent; nullopt when bad.
std::optional<std::int64_t> int_param(const Query& query, std::string_view name,
                                      std::int64_t fallback, std::int64_t min, std::int64_t max) {
  const auto text = form_value(query, name);
  if (!text) return fallback;
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size() || value < min || value > max) {
    return std::nullopt;
  }
  return value;
}

HttpResponse books_response(const std::vector<Audiobook>& books) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& book : books) list.push_back(to_json(book));
  return json_response(200, list);
}

HttpResponse sync_error_response(SyncError error) {
  switch (error) {
    case SyncError::kNotConnected:
      return error_response(400, "Audible account not connected");
    case SyncError::kReauthRequired:
    case SyncError::kUnavailable:
    case SyncError::kStoreUnavailable:
      return error_response(503, "audible_service_unavailable");
    case SyncError::kInternal:
      return error_response(500, "internal_error");
  }
  return error_response(500, "internal_error");
}

// Marks the books the user owns, from the stored library.
std::expected<void, StoreError> mark_owned(LibraryStore& library, const std::string& user_id,
                                           std::vector<Audiobook>& books) {
  std::vector<std::string> asins;
  for (const auto& book : books) asins.push_back(book.asin);
  auto owned = library.owned(user_id, asins);
  if (!owned) {
    log::error("library read failed",
               {{"user_id", user_id}, {"error_type", owned.error().message}});
    return std::unexpected(owned.error());
  }
  for (auto& book : books) book.is_owned = owned->contains(book.asin);
  return {};
}

}  // namespace

std::string marketplace_domain(std::string_view api_base_url) {
  const auto url = parse_http_url(api_base_url);
  constexpr std::string_view kApiHost = "api.audible.";
  if (!url || !url->host.starts_with(kApiHost) || url->host.size() == kApiHost.size()) return "com";
  return url->host.substr(kApiHost.size());
}

std::vector<Route> library_routes(const Settings& settings, LibrarySync& sync,
                                  LibraryStore& library, AccountStore& accounts, Catalog& catalog) {
  auto sync_handler = [&sync](RouteRequest& request) {
    const auto result = sync.sync(request.user.id);
    if (!result) return sync_error_response(result.error());
    return json_response(200, {{"status", "synced"},
                               {"audiobooks_count", result->audiobooks_count},
                               {"synced_at", iso8601(result->synced_at)}});
  };

  auto library_handler = [&library, &accounts](RouteRequest& request) {
    const auto skip = int_param(request.query, "skip", 0, 0, 1'000'000'000);
    const auto limit = int_param(request.query, "limit", 20, 1, 100);
    if (!skip || !limit) return error_response(422, "invalid_parameters");
    const auto account = accounts.find(request.user.id);
    if (!account) return store_error_response(account.error());
    if (!*account) return error_response(400, "Audible account not connected");
    const auto books = library.page(request.user.id, *skip, *limit);
    if (!books) return store_error_response(books.error());
    return books_response(*books);
  };

  auto search_handler = [&catalog, &library](RouteRequest& request) {
    metrics::registry().api_search_requests_total.inc();
    const std::string q = trim_whitespace(form_value(request.query, "q").value_or(""));
    if (q.size() < 2) return error_response(400, "Search query must be at least 2 characters");
    const auto limit = int_param(request.query, "limit", 20, 1, 50);
    if (!limit || q.size() > 200) return error_response(422, "invalid_parameters");
    auto books = catalog.search(q, static_cast<int>(*limit));
    if (!books) {
      log::warning("catalog search failed", {{"error_type", books.error().reason}});
      return error_response(503, "audible_service_unavailable");
    }
    if (auto marked = mark_owned(library, request.user.id, *books); !marked) {
      return store_error_response(marked.error());
    }
    return books_response(*books);
  };

  auto details_handler = [&catalog, &library](RouteRequest& request) {
    const std::string& asin = request.path_params.at(0);
    if (!is_valid_asin(asin)) return error_response(400, "invalid_asin");
    auto book = catalog.details(asin);
    if (!book) {
      log::warning("catalog details failed", {{"error_type", book.error().reason}});
      return error_response(503, "audible_service_unavailable");
    }
    if (!*book) return error_response(404, "audiobook_not_found");
    std::vector<Audiobook> one{**book};
    if (auto marked = mark_owned(library, request.user.id, one); !marked) {
      return store_error_response(marked.error());
    }
    return json_response(200, to_json(one.front()));
  };

  auto play_url_handler = [domain =
                               marketplace_domain(settings.api_base_url)](RouteRequest& request) {
    const std::string& asin = request.path_params.at(0);
    if (!is_valid_asin(asin)) return error_response(400, "invalid_asin");
    std::string platform = form_value(request.query, "platform").value_or("web");
    if (platform.empty() || platform.size() > 32) return error_response(422, "invalid_parameters");
    return json_response(200, {{"url", "https://www.audible." + domain + "/pd/" + asin},
                               {"platform", platform},
                               {"action", "redirect_to_audible"}});
  };

  return {
      {.method = "POST",
       .pattern = "/api/v1/user/audible/library/sync",
       .summary = "Sync the user's Audible library into the service's store",
       .needs_configured = true,
       .calls_provider = true,
       .errors = {{400, "Audible account not connected"},
                  {503, "audible_service_unavailable"},
                  {503, "audible_integration_not_configured"}},
       .handler = std::move(sync_handler)},
      {.method = "GET",
       .pattern = "/api/v1/user/audible/library",
       .summary = "The synced library, newest purchase first",
       .query_params = {{"skip", "integer", "items to skip, from 0"},
                        {"limit", "integer", "items to return, 1 to 100 (20)"}},
       .errors = {{400, "Audible account not connected"},
                  {422, "invalid_parameters"},
                  {503, "audible_service_unavailable"}},
       .handler = std::move(library_handler)},
      {.method = "GET",
       .pattern = "/api/v1/user/audible/search",
       .summary = "Search the Audible catalog",
       .rate_class = RateClass::kSearch,
       .needs_configured = true,
       .calls_provider = true,
       .query_params = {{"q", "string", "keywords, at least 2 characters"},
                        {"limit", "integer", "results, 1 to 50 (20)"}},
       .errors = {{400, "Search query must be at least 2 characters"},
                  {422, "invalid_parameters"},
                  {503, "audible_service_unavailable"},
                  {503, "audible_integration_not_configured"}},
       .handler = std::move(search_handler)},
      {.method = "GET",
       .pattern = "/api/v1/user/audible/{asin}/details",
       .summary = "One audiobook from the catalog",
       .calls_provider = true,
       .errors = {{400, "invalid_asin"},
                  {404, "audiobook_not_found"},
                  {503, "audible_service_unavailable"}},
       .handler = std::move(details_handler)},
      {.method = "GET",
       .pattern = "/api/v1/user/audible/{asin}/play-url",
       .summary = "Where to play an audiobook: its page on the marketplace's Audible site",
       .blocking = false,
       .query_params = {{"platform", "string", "web (default), ios, android, ..."}},
       .errors = {{400, "invalid_asin"}},
       .handler = std::move(play_url_handler)},
  };
}

}  // namespace ac
