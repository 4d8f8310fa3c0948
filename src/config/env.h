#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>

namespace ac {

// Where settings come from: the process environment in the binary, a map in tests.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

EnvLookup process_environment();
EnvLookup map_environment(std::map<std::string, std::string> values);

}  // namespace ac
