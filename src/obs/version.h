#pragma once

// This build's version (AC_VERSION in src/CMakeLists.txt), for --version and the build_info metric.

#include <string_view>

namespace ac {

std::string_view version();

}  // namespace ac
