#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ac::base64url {

enum class Padding { kKeep, kStrip };

// RFC 4648 section 5 (URL- and filename-safe alphabet).
std::string encode(std::span<const std::uint8_t> bytes, Padding padding);

// Strict decoding: only the URL-safe alphabet, '=' only as the final padding, no whitespace, and
// no stray bits in the last character. With Padding::kKeep the padding is required; with kStrip
// it is refused. Returns nullopt on anything else.
std::optional<std::vector<std::uint8_t>> decode(std::string_view text, Padding padding);

}  // namespace ac::base64url
