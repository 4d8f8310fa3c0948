#include "crypto/random.h"

#include <openssl/rand.h>

#include <limits>
#include <stdexcept>

namespace ac {

void fill_random(std::span<std::uint8_t> out) {
  if (out.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()) ||
      RAND_bytes(out.data(), static_cast<int>(out.size())) != 1) {
    throw std::runtime_error("CSPRNG failure");
  }
}

}  // namespace ac
