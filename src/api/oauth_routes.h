#pragma once

#include <vector>

#include "api/route.h"
#include "oauth/connect_flow.h"
#include "store/account_store.h"

namespace ac {

// /oauth/authorize, /oauth/callback, /connected, /disconnect. `state_store_blocks` says whether
// the state store does I/O; when it does not, authorize never blocks and answers on an I/O thread.
std::vector<Route> oauth_routes(ConnectFlow& flow, AccountStore& accounts, bool state_store_blocks);

}  // namespace ac
