#pragma once

#include <cstdint>
#include <span>

namespace ac {

// Fills `out` from the OS-seeded CSPRNG (OpenSSL RAND_bytes). Throws std::runtime_error if the
// generator fails: there is no safe fallback for missing entropy.
void fill_random(std::span<std::uint8_t> out);

// The same generator through a per-thread buffer that RAND_bytes refills 4 KiB at a time, for
// values that are public once used (Fernet IVs), where a RAND_bytes call per 16 bytes shows in
// profiles. A forked child never hands out bytes its parent already had.
void fill_random_buffered(std::span<std::uint8_t> out);

}  // namespace ac
