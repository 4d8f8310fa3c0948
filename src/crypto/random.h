#pragma once

#include <cstdint>
#include <span>

namespace ac {

// Fills `out` from the OS-seeded CSPRNG (OpenSSL RAND_bytes). Throws std::runtime_error if the
// generator fails: there is no safe fallback for missing entropy.
void fill_random(std::span<std::uint8_t> out);

}  // namespace ac
