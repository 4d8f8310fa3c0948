#pragma once

// What the commands that work on the store (migrate, import-mongo, rotate-keys) open first: the
// settings and the stores, with their schema up to date. Failures are printed as one line.

#include <optional>
#include <ostream>

#include "config/env.h"
#include "config/settings.h"
#include "store/stores.h"

namespace ac {

struct StoreCommand {
  Settings settings;
  Stores stores;
};

// `needs_keys`: refuse without AUDIBLE_TOKEN_ENCRYPTION_KEY (the command writes tokens).
std::optional<StoreCommand> open_store_command(const EnvLookup& env, std::ostream& err,
                                               bool needs_keys);

}  // namespace ac
