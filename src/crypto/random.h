#pragma once

#include <cstdint>
#include <span>

namespace ac {

// Fills `out` from OpenSSL's OS-seeded CSPRNG (RAND_bytes). Requests of up to 256 bytes are served
// from a per-thread buffer that RAND_bytes refills 4 KiB at a time (a RAND_bytes call per state,
// verifier, IV and request id showed in profiles); bytes are wiped from the buffer as they are
// handed out, so what stays in memory is only what the generator's own state already implies, and
// a forked child never hands out bytes its parent had. Throws std::runtime_error if the generator
// fails: there is no safe fallback for missing entropy.
void fill_random(std::span<std::uint8_t> out);

}  // namespace ac
