#include "app/store_command.h"

namespace ac {

std::optional<StoreCommand> open_store_command(const EnvLookup& env, std::ostream& err,
                                               bool needs_keys) {
  auto settings = load_settings(env);
  if (!settings) {
    err << "audible-connect: config error: " << settings.error() << '\n';
    return std::nullopt;
  }
  if (needs_keys && !settings->token_keys) {
    err << "audible-connect: AUDIBLE_TOKEN_ENCRYPTION_KEY is not set: tokens are stored "
           "encrypted\n";
    return std::nullopt;
  }
  // Opening applies what is missing, under the database's own lock (see store/stores.h).
  auto stores = open_stores(settings->database, StoreOptions{.pool_size = 2});
  if (!stores) {
    err << "audible-connect: DATABASE_URL: " << stores.error().message << '\n';
    return std::nullopt;
  }
  return StoreCommand{std::move(*settings), std::move(*stores)};
}

}  // namespace ac
