#include <ostream>

#include "app/commands.h"
#include "config/settings.h"
#include "store/stores.h"

namespace ac {

int run_migrate(const EnvLookup& env, std::ostream& out, std::ostream& err) {
  auto settings = load_settings(env);
  if (!settings) {
    err << "audible-connect: config error: " << settings.error() << '\n';
    return 1;
  }
  // Opening applies what is missing, under the database's own lock (see store/stores.h).
  auto stores = open_stores(settings->database, StoreOptions{.pool_size = 1});
  if (!stores) {
    err << "audible-connect: DATABASE_URL: " << stores.error().message << '\n';
    return 1;
  }
  out << "schema version " << stores->schema_version << '\n';
  return 0;
}

}  // namespace ac
