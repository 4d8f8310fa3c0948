#include "net/address_set.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

#include "util/text.h"

namespace ac {
namespace {

constexpr std::array<std::uint8_t, 12> kMappedPrefix{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

bool same_prefix(const std::array<std::uint8_t, 16>& a, const std::array<std::uint8_t, 16>& b,
                 int bits) {
  const int bytes = bits / 8;
  if (std::memcmp(a.data(), b.data(), static_cast<std::size_t>(bytes)) != 0) return false;
  const int rest = bits % 8;
  if (rest == 0) return true;
  const auto mask = static_cast<std::uint8_t>(0xff << (8 - rest));
  return (a[static_cast<std::size_t>(bytes)] & mask) == (b[static_cast<std::size_t>(bytes)] & mask);
}

}  // namespace

std::optional<std::array<std::uint8_t, 16>> parse_ip(std::string_view text) {
  if (text.empty() || text.size() > INET6_ADDRSTRLEN) return std::nullopt;
  const std::string z(text);
  std::array<std::uint8_t, 16> bytes{};
  in_addr v4{};
  if (inet_pton(AF_INET, z.c_str(), &v4) == 1) {
    std::memcpy(bytes.data(), kMappedPrefix.data(), kMappedPrefix.size());
    std::memcpy(bytes.data() + 12, &v4, 4);
    return bytes;
  }
  if (inet_pton(AF_INET6, z.c_str(), bytes.data()) == 1) return bytes;
  return std::nullopt;
}

std::expected<AddressSet, std::string> AddressSet::parse(std::string_view list) {
  AddressSet set;
  while (!list.empty()) {
    const auto comma = list.find(',');
    const std::string entry = trim_whitespace(list.substr(0, comma));
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    if (entry.empty()) continue;
    if (entry == "*") {
      set.any_ = true;
      continue;
    }
    const auto slash = entry.find('/');
    const auto base = parse_ip(std::string_view(entry).substr(0, slash));
    if (!base) return std::unexpected("\"" + entry + "\" is not an IP address or CIDR range");
    const bool v4 = entry.find(':') == std::string::npos;
    int bits = 128;
    if (slash != std::string::npos) {
      const std::string_view digits = std::string_view(entry).substr(slash + 1);
      const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), bits);
      const int max_bits = v4 ? 32 : 128;
      if (ec != std::errc() || end != digits.data() + digits.size() || bits < 0 ||
          bits > max_bits) {
        return std::unexpected("\"" + entry + "\" has a bad prefix length");
      }
      if (v4) bits += 96;
    }
    set.ranges_.push_back({*base, bits});
  }
  return set;
}

bool AddressSet::contains(std::string_view address) const {
  if (any_) return true;
  const auto ip = parse_ip(address);
  if (!ip) return false;
  for (const auto& range : ranges_) {
    if (same_prefix(*ip, range.base, range.prefix_bits)) return true;
  }
  return false;
}

}  // namespace ac
