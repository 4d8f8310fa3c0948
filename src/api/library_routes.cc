#include "api/library_routes.h"

#include "api/responses.h"
#include "api/schemas.h"
#include "config/url.h"
#include "obs/log.h"
#include "obs/metrics.h"
#include "util/text.h"
#include "util/utf8.h"

namespace ac {
namespace {

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
      return error_response(409, "audible_reauth_required");
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
    const auto skip = request.query.at("skip").get<std::int64_t>();
    const auto limit = request.query.at("limit").get<std::int64_t>();
    const auto account = accounts.find(request.user.id);
    if (!account) return store_error_response(account.error());
    if (!*account) return error_response(400, "Audible account not connected");
    const auto books = library.page(request.user.id, skip, limit);
    if (!books) return store_error_response(books.error());
    return books_response(*books);
  };

  auto search_handler = [&catalog, &library](RouteRequest& request) {
    metrics::registry().api_search_requests_total.inc();
    // The Python service's own 400 (not a 422): the trimmed query, counted in characters.
    const std::string q = trim_whitespace(request.query.at("q").get<std::string>());
    if (code_points(q) < 2) {
      return error_response(400, "Search query must be at least 2 characters");
    }
    const auto limit = request.query.at("limit").get<int>();
    auto books = catalog.search(q, limit);
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
    const std::string platform = request.query.at("platform").get<std::string>();
    return json_response(200, {{"url", "https://www.audible." + domain + "/pd/" + asin},
                               {"platform", platform},
                               {"action", "redirect_to_audible"}});
  };

  const auto limit_param = [](std::int64_t maximum) {
    return QueryParam{.name = "limit",
                      .type = QueryParam::Type::kInteger,
                      .description = "how many to return",
                      .default_value = 20,
                      .minimum = 1,
                      .maximum = maximum};
  };
  return {
      {.method = "POST",
       .pattern = "/api/v1/user/audible/library/sync",
       .summary = "Sync the user's Audible library into the service's store",
       .operation_id = "sync_audible_library",
       .needs_configured = true,
       .calls_provider = true,
       .response = ResponseBody{.schema = library_sync_schema()},
       .errors = {{400, "Audible account not connected"},
                  {409, "audible_reauth_required"},
                  {503, "audible_service_unavailable"}},
       .handler = std::move(sync_handler)},
      {.method = "GET",
       .pattern = "/api/v1/user/audible/library",
       .summary = "The synced library, newest purchase first",
       .operation_id = "get_audible_library",
       .query_params = {{.name = "skip",
                         .type = QueryParam::Type::kInteger,
                         .description = "how many to skip",
                         .default_value = 0,
                         .minimum = 0},
                        limit_param(100)},
       .response = ResponseBody{.schema = audiobook_schema(), .list = true},
       .errors = {{400, "Audible account not connected"}, {503, "audible_service_unavailable"}},
       .handler = std::move(library_handler)},
      {.method = "GET",
       .pattern = "/api/v1/user/audible/search",
       .summary = "Search the Audible catalog",
       .operation_id = "search_audible_catalog",
       .rate_class = RateClass::kSearch,
       .needs_configured = true,
       .calls_provider = true,
       .query_params = {{.name = "q",
                         .description = "keywords, at least 2 characters once trimmed (400 "
                                        "otherwise)",
                         .required = true,
                         .max_length = 200},
                        limit_param(50)},
       .response = ResponseBody{.schema = audiobook_schema(), .list = true},
       .errors = {{400, "Search query must be at least 2 characters"},
                  {503, "audible_service_unavailable"}},
       .handler = std::move(search_handler)},
      {.method = "GET",
       .pattern = "/api/v1/user/audible/{asin}/details",
       .summary = "One audiobook from the catalog",
       .operation_id = "get_audiobook_details",
       .calls_provider = true,
       .response = ResponseBody{.schema = audiobook_schema()},
       .errors = {{400, "invalid_asin"},
                  {404, "audiobook_not_found"},
                  {503, "audible_service_unavailable"}},
       .handler = std::move(details_handler)},
      {.method = "GET",
       .pattern = "/api/v1/user/audible/{asin}/play-url",
       .summary = "Where to play an audiobook: its page on the marketplace's Audible site",
       .operation_id = "get_audiobook_play_url",
       .blocking = false,
       .query_params = {{.name = "platform",
                         .description = "web, ios, android, ...",
                         .default_value = "web",
                         .min_length = 1,
                         .max_length = 32}},
       .response = ResponseBody{.schema = play_url_schema()},
       .errors = {{400, "invalid_asin"}},
       .handler = std::move(play_url_handler)},
  };
}

}  // namespace ac
