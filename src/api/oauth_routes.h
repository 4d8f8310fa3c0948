#pragma once

#include <vector>

#include "api/route.h"
#include "oauth/connect_flow.h"
#include "store/account_store.h"

namespace ac {

// /oauth/authorize, /oauth/callback, /connected, /disconnect.
std::vector<Route> oauth_routes(ConnectFlow& flow, AccountStore& accounts);

}  // namespace ac
