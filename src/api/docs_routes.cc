#include "api/docs_routes.h"

#include "config/url.h"
#include "crypto/base64url.h"
#include "crypto/sha256.h"
#include "util/text.h"

namespace ac {
namespace {

constexpr std::string_view kCdn = "https://cdn.jsdelivr.net/npm";
constexpr std::string_view kOpenApiUrl = "/openapi.json";

struct AssetDirs {
  std::string swagger_ui;  // swagger-ui-dist's files
  std::string redoc;       // redoc's package (bundles/redoc.standalone.js)
  std::string origin;      // scheme://host[:port] of both, for the CSP
};

AssetDirs asset_dirs(std::string_view assets_url) {
  std::string base(assets_url.empty() ? kCdn : assets_url);
  while (base.ends_with('/')) base.pop_back();
  AssetDirs dirs = assets_url.empty()
                       ? AssetDirs{base + "/swagger-ui-dist@5", base + "/redoc@2", ""}
                       : AssetDirs{base + "/swagger-ui-dist", base + "/redoc", ""};
  // DOCS_ASSETS_URL was checked by load_settings; the CDN's is fixed.
  if (const auto url = parse_http_url(base)) dirs.origin = url_origin(*url);
  return dirs;
}

// CSP source expression of an inline script: 'sha256-<standard base64 of its digest>'.
std::string script_hash_source(std::string_view script) {
  const auto digest = sha256(script);
  std::string encoded = base64url::encode(digest, base64url::Padding::kKeep);
  for (auto& c : encoded) {
    if (c == '-') c = '+';
    if (c == '_') c = '/';
  }
  return "'sha256-" + encoded + "'";
}

HttpResponse html_page(std::string html, std::string content_security_policy) {
  HttpResponse response;
  response.headers.emplace_back("Content-Type", "text/html; charset=utf-8");
  // ServiceApp keeps a policy the handler set and gives every other response the strict one.
  response.headers.emplace_back("Content-Security-Policy", std::move(content_security_policy));
  response.body = std::move(html);
  return response;
}

// FastAPI's get_swagger_ui_html with its default parameters.
HttpResponse swagger_ui_page(const AssetDirs& dirs) {
  const std::string script = "\nconst ui = SwaggerUIBundle({\n    url: '" +
                             std::string(kOpenApiUrl) +
                             "',\n"
                             "\"dom_id\": \"#swagger-ui\",\n"
                             "\"layout\": \"BaseLayout\",\n"
                             "\"deepLinking\": true,\n"
                             "\"showExtensions\": true,\n"
                             "\"showCommonExtensions\": true,\n"
                             "    presets: [\n"
                             "        SwaggerUIBundle.presets.apis,\n"
                             "        SwaggerUIBundle.SwaggerUIStandalonePreset\n"
                             "        ],\n"
                             "    })\n";
  const std::string dir = html_escape(dirs.swagger_ui);
  std::string html =
      "<!DOCTYPE html>\n<html>\n<head>\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1.0\">\n"
      "<link type=\"text/css\" rel=\"stylesheet\" href=\"" +
      dir + "/swagger-ui.css\">\n<link rel=\"shortcut icon\" href=\"" + dir +
      "/favicon-32x32.png\">\n<title>audible-connect - Swagger UI</title>\n</head>\n<body>\n"
      "<div id=\"swagger-ui\">\n</div>\n<script src=\"" +
      dir + "/swagger-ui-bundle.js\"></script>\n<script>" + script +
      "</script>\n</body>\n</html>\n";
  return html_page(std::move(html), "default-src 'none'; script-src " + dirs.origin + " " +
                                        script_hash_source(script) + "; style-src " + dirs.origin +
                                        "; img-src " + dirs.origin +
                                        " data:; connect-src 'self'; frame-ancestors 'none'");
}

// FastAPI's get_redoc_html, without Google Fonts (a second outside origin; ReDoc falls back to
// the system's fonts). ReDoc adds its styles as <style> elements, hence 'unsafe-inline' for
// styles (never for scripts), and runs its search in a worker made from a blob.
HttpResponse redoc_page(const AssetDirs& dirs) {
  std::string html =
      "<!DOCTYPE html>\n<html>\n<head>\n<title>audible-connect - ReDoc</title>\n"
      "<meta charset=\"utf-8\"/>\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<style>\nbody {\n  margin: 0;\n  padding: 0;\n}\n</style>\n</head>\n<body>\n"
      "<noscript>\nReDoc requires Javascript to function. Please enable it to browse the "
      "documentation.\n</noscript>\n<redoc spec-url=\"" +
      std::string(kOpenApiUrl) + "\"></redoc>\n<script src=\"" + html_escape(dirs.redoc) +
      "/bundles/redoc.standalone.js\"> </script>\n</body>\n</html>\n";
  return html_page(std::move(html), "default-src 'none'; script-src " + dirs.origin +
                                        "; style-src " + dirs.origin +
                                        " 'unsafe-inline'; img-src " + dirs.origin +
                                        " data:; font-src " + dirs.origin +
                                        " data:; connect-src 'self'; worker-src blob:; "
                                        "frame-ancestors 'none'");
}

Route page_route(std::string_view pattern, std::string_view summary, HttpResponse page) {
  return {.method = "GET",
          .pattern = pattern,
          .summary = summary,
          .needs_user = false,
          .blocking = false,
          .handler = [page = std::move(page)](RouteRequest&) { return page; }};
}

}  // namespace

std::vector<Route> docs_routes(std::string_view assets_url) {
  const AssetDirs dirs = asset_dirs(assets_url);
  return {page_route("/docs", "Swagger UI", swagger_ui_page(dirs)),
          page_route("/redoc", "ReDoc", redoc_page(dirs))};
}

}  // namespace ac
