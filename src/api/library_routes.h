#pragma once

#include <vector>

#include "api/route.h"
#include "audible/catalog.h"
#include "audible/library_sync.h"
#include "config/settings.h"

namespace ac {

// /library/sync, /library, /search, /{asin}/details, /{asin}/play-url.
std::vector<Route> library_routes(const Settings& settings, LibrarySync& sync,
                                  LibraryStore& library, AccountStore& accounts, Catalog& catalog);

// "co.uk" for https://api.audible.co.uk; "com" when the host is not an Audible API host.
std::string marketplace_domain(std::string_view api_base_url);

}  // namespace ac
