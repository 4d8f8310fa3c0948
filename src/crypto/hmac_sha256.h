#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

namespace ac {

using HmacSha256 = std::array<std::uint8_t, 32>;

// HMAC-SHA256 with a per-thread reusable OpenSSL context and the algorithm fetched once: OpenSSL
// 3's one-shot HMAC() looks the algorithm up on every call, which costs more than the hashing of
// a short message.
HmacSha256 hmac_sha256(std::span<const std::uint8_t> key, std::span<const std::uint8_t> data);
HmacSha256 hmac_sha256(std::string_view key, std::string_view data);

}  // namespace ac
