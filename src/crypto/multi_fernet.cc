#include "crypto/multi_fernet.h"

#include <stdexcept>

#include "crypto/random.h"

namespace ac {

MultiFernet::MultiFernet(std::vector<FernetKey> keys) {
  if (keys.empty()) throw std::invalid_argument("MultiFernet needs at least one key");
  fernets_.reserve(keys.size());
  for (auto& key : keys) fernets_.emplace_back(std::move(key));
}

std::expected<MultiFernet, std::string> MultiFernet::parse(std::string_view comma_separated_keys) {
  std::vector<FernetKey> keys;
  std::size_t position = 0;
  while (true) {
    ++position;
    const auto comma = comma_separated_keys.find(',');
    std::string_view item = comma_separated_keys.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    auto key = FernetKey::parse(item);
    if (!key) {
      return std::unexpected("key " + std::to_string(position) +
                             " is not a Fernet key (32 bytes in url-safe base64, 44 characters)");
    }
    keys.push_back(std::move(*key));
    if (comma == std::string_view::npos) break;
    comma_separated_keys.remove_prefix(comma + 1);
  }
  return MultiFernet(std::move(keys));
}

std::expected<std::string, FernetError> MultiFernet::encrypt(std::string_view plaintext) const {
  return fernets_.front().encrypt(plaintext);
}

std::expected<Secret, FernetError> MultiFernet::decrypt(
    std::string_view token, std::optional<std::int64_t> ttl_seconds) const {
  auto parsed = parse_fernet_token(token);
  if (!parsed) return std::unexpected(parsed.error());
  auto opened = open(*parsed, ttl_seconds, unix_now());
  if (!opened) return std::unexpected(opened.error());
  return std::move(opened->plaintext);
}

std::expected<MultiFernet::Decrypted, FernetError> MultiFernet::decrypt_with_key_index(
    std::string_view token) const {
  auto parsed = parse_fernet_token(token);
  if (!parsed) return std::unexpected(parsed.error());
  return open(*parsed, std::nullopt, unix_now());
}

std::expected<std::string, FernetError> MultiFernet::rotate(std::string_view token) const {
  auto parsed = parse_fernet_token(token);
  if (!parsed) return std::unexpected(parsed.error());
  auto opened = open(*parsed, std::nullopt, unix_now());
  if (!opened) return std::unexpected(opened.error());
  std::array<std::uint8_t, 16> iv;
  fill_random(iv);
  return fernets_.front().encrypt_at(opened->plaintext.reveal(), parsed->timestamp(), iv);
}

std::expected<MultiFernet::Decrypted, FernetError> MultiFernet::open(
    const FernetTokenBytes& token, std::optional<std::int64_t> ttl_seconds,
    std::int64_t now) const {
  std::optional<FernetError> first_error;
  for (std::size_t index = 0; index < fernets_.size(); ++index) {
    auto plaintext = fernets_[index].open(token, ttl_seconds, now);
    if (plaintext) return Decrypted{std::move(*plaintext), index};
    if (!first_error) first_error = plaintext.error();
  }
  return std::unexpected(*first_error);
}

}  // namespace ac
