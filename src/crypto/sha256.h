#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace ac {

using Sha256Digest = std::array<std::uint8_t, 32>;

Sha256Digest sha256(std::string_view bytes);

// For hash maps keyed by digests: their first bytes are already uniformly random.
struct Sha256DigestHash {
  std::size_t operator()(const Sha256Digest& digest) const noexcept {
    std::size_t h;
    std::memcpy(&h, digest.data(), sizeof h);
    return h;
  }
};

}  // namespace ac
