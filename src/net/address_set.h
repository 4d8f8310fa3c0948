#pragma once

// A set of IP addresses given as a list of addresses and CIDR ranges ("127.0.0.1, ::1,
// 10.0.0.0/8"), or "*" for any address: which peers are trusted proxies (FORWARDED_ALLOW_IPS).
// IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) count as their IPv4 address.
//
// Thread safety: immutable after parse(); any number of threads may call contains().

#include <array>
#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ac {

// An address in 16 bytes (IPv4 as IPv4-mapped IPv6), or nullopt when `text` is not one.
std::optional<std::array<std::uint8_t, 16>> parse_ip(std::string_view text);

class AddressSet {
 public:
  // An empty list is the empty set. The error names the entry that is neither address nor range.
  static std::expected<AddressSet, std::string> parse(std::string_view list);

  bool contains(std::string_view address) const;
  bool empty() const { return !any_ && ranges_.empty(); }

 private:
  struct Range {
    std::array<std::uint8_t, 16> base;
    int prefix_bits;  // of the 128
  };
  bool any_ = false;
  std::vector<Range> ranges_;
};

}  // namespace ac
