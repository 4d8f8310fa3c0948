#pragma once

#include <iosfwd>

#include "config/env.h"

namespace ac {

// Each returns the process exit code.
int run_keygen(std::ostream& out);
int run_check_config(const EnvLookup& env, std::ostream& out, std::ostream& err);
int run_serve(const EnvLookup& env, std::ostream& err);
int run_migrate(const EnvLookup& env, std::ostream& out, std::ostream& err);

}  // namespace ac
