#include <ostream>

#include "app/commands.h"
#include "app/store_command.h"

namespace ac {

int run_migrate(const EnvLookup& env, std::ostream& out, std::ostream& err) {
  const auto opened = open_store_command(env, err, /*needs_keys=*/false);
  if (!opened) return 1;
  out << "schema version " << opened->stores.schema_version << '\n';
  return 0;
}

}  // namespace ac
