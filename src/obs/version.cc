#include "obs/version.h"

namespace ac {

// Only this file is compiled with AC_VERSION, so that a new version rebuilds one object.
std::string_view version() { return AC_VERSION; }

}  // namespace ac
