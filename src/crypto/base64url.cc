#include "crypto/base64url.h"

#include <array>
#include <cstring>

namespace ac::base64url {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr std::uint8_t kInvalid = 0xFF;

constexpr std::array<std::uint8_t, 256> make_reverse_table() {
  std::array<std::uint8_t, 256> table{};
  table.fill(kInvalid);
  for (std::uint8_t i = 0; i < 64; ++i) table[static_cast<unsigned char>(kAlphabet[i])] = i;
  return table;
}

constexpr auto kReverse = make_reverse_table();

// Two characters for each 12-bit value: encoding does two lookups per 3 bytes instead of four.
constexpr std::array<std::array<char, 2>, 4096> make_pair_table() {
  std::array<std::array<char, 2>, 4096> table{};
  for (std::size_t i = 0; i < table.size(); ++i) table[i] = {kAlphabet[i >> 6], kAlphabet[i & 63]};
  return table;
}

constexpr auto kPairs = make_pair_table();

}  // namespace

std::string encode(std::span<const std::uint8_t> bytes, Padding padding) {
  const std::size_t full = bytes.size() / 3;
  const std::size_t rest = bytes.size() % 3;
  const std::size_t tail = rest == 0 ? 0 : (padding == Padding::kKeep ? 4 : rest + 1);
  std::string out(full * 4 + tail, '=');
  char* o = out.data();
  const std::uint8_t* in = bytes.data();
  for (std::size_t i = 0; i < full; ++i, in += 3, o += 4) {
    const std::uint32_t n = (in[0] << 16) | (in[1] << 8) | in[2];
    std::memcpy(o, kPairs[n >> 12].data(), 2);
    std::memcpy(o + 2, kPairs[n & 0xFFF].data(), 2);
  }
  if (rest > 0) {
    const std::uint32_t n = (in[0] << 16) | (rest == 2 ? in[1] << 8 : 0);
    o[0] = kAlphabet[n >> 18];
    o[1] = kAlphabet[(n >> 12) & 63];
    if (rest == 2) o[2] = kAlphabet[(n >> 6) & 63];
  }
  return out;
}

std::optional<std::vector<std::uint8_t>> decode(std::string_view text, Padding padding) {
  std::size_t pad = 0;
  if (padding == Padding::kKeep) {
    if (text.size() % 4 != 0) return std::nullopt;
    while (pad < 2 && pad < text.size() && text[text.size() - 1 - pad] == '=') ++pad;
  } else if (text.size() % 4 == 1) {
    return std::nullopt;
  }
  const std::string_view body = text.substr(0, text.size() - pad);
  if (padding == Padding::kKeep && pad > 0 && body.size() % 4 + pad != 4) return std::nullopt;

  const std::size_t full = body.size() / 4;
  const std::size_t rest = body.size() % 4;  // 0, 2 or 3 characters
  std::vector<std::uint8_t> out(full * 3 + (rest == 0 ? 0 : rest - 1));
  const auto* in = reinterpret_cast<const unsigned char*>(body.data());
  std::uint8_t* o = out.data();
  for (std::size_t i = 0; i < full; ++i, in += 4, o += 3) {
    const std::uint32_t a = kReverse[in[0]], b = kReverse[in[1]], c = kReverse[in[2]],
                        d = kReverse[in[3]];
    if ((a | b | c | d) > 63) return std::nullopt;  // kInvalid has the high bits set
    const std::uint32_t n = (a << 18) | (b << 12) | (c << 6) | d;
    o[0] = static_cast<std::uint8_t>(n >> 16);
    o[1] = static_cast<std::uint8_t>(n >> 8);
    o[2] = static_cast<std::uint8_t>(n);
  }
  if (rest > 0) {
    std::uint32_t n = 0;
    for (std::size_t i = 0; i < rest; ++i) {
      const std::uint8_t v = kReverse[in[i]];
      if (v == kInvalid) return std::nullopt;
      n = (n << 6) | v;
    }
    // Leftover bits must be zero, or two texts would decode to the same bytes.
    if (rest == 2) {
      if (n & 0xF) return std::nullopt;
      o[0] = static_cast<std::uint8_t>(n >> 4);
    } else {
      if (n & 0x3) return std::nullopt;
      o[0] = static_cast<std::uint8_t>(n >> 10);
      o[1] = static_cast<std::uint8_t>(n >> 2);
    }
  }
  return out;
}

}  // namespace ac::base64url
