#include "oauth/redis_state_store.h"

#include <openssl/crypto.h>

#include "crypto/base64url.h"
#include "crypto/sha256.h"
#include "obs/log.h"

namespace ac {
namespace {

// Version 1: one byte 0x01, the verifier's 32 bytes, then the user id.
constexpr char kFormatV1 = 0x01;
constexpr std::size_t kVerifierBytes = 32;

std::string state_key(std::string_view state) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string key = "ac:state:";
  for (const std::uint8_t byte : sha256(state)) {
    key.push_back(kDigits[byte >> 4]);
    key.push_back(kDigits[byte & 15]);
  }
  return key;
}

void wipe(std::string& text) { OPENSSL_cleanse(text.data(), text.capacity()); }

void wipe(std::vector<std::uint8_t>& bytes) { OPENSSL_cleanse(bytes.data(), bytes.capacity()); }

std::unexpected<StateError> unavailable(std::string_view operation, std::string_view reason) {
  log::warning("redis state store unavailable", {{"operation", operation}, {"error_type", reason}});
  return std::unexpected(StateError::kUnavailable);
}

}  // namespace

RedisStateStore::RedisStateStore(std::shared_ptr<RedisClient> client, MultiFernet cipher,
                                 std::chrono::seconds ttl)
    : client_(std::move(client)),
      cipher_(std::move(cipher)),
      ttl_seconds_(std::to_string(ttl.count())) {}

std::expected<void, StateError> RedisStateStore::put(std::string_view state,
                                                     std::string_view user_id,
                                                     const PkceVerifier& verifier) {
  std::string text = verifier.text();
  auto bytes = base64url::decode(text, base64url::Padding::kStrip);
  wipe(text);
  // Reserved whole, so that no reallocation leaves a copy of the verifier behind.
  std::string plaintext;
  plaintext.reserve(1 + kVerifierBytes + user_id.size());
  plaintext.push_back(kFormatV1);
  plaintext.append(bytes->begin(), bytes->end());
  plaintext.append(user_id);
  wipe(*bytes);
  auto token = cipher_.encrypt(plaintext);
  wipe(plaintext);
  if (!token) {
    log::error("state encryption failed", {{"error_type", describe(token.error())}});
    return std::unexpected(StateError::kUnavailable);
  }

  // A 256-bit random state never repeats; if a caller reuses one, NX keeps the first entry.
  auto reply = client_->command({"SET", state_key(state), *token, "NX", "EX", ttl_seconds_});
  if (!reply) return unavailable("put", reply.error().reason);
  if (reply->is_error()) return unavailable("put", reply->text);
  return {};
}

std::expected<PkceVerifier, StateError> RedisStateStore::consume(std::string_view state,
                                                                 std::string_view user_id) {
  auto reply = client_->command({"GETDEL", state_key(state)});
  if (!reply) return unavailable("consume", reply.error().reason);
  if (reply->is_error()) return unavailable("consume", reply->text);
  if (reply->is_nil()) return std::unexpected(StateError::kUnknown);

  auto plaintext = cipher_.decrypt(reply->text);
  if (!plaintext) {
    log::error("stored state unreadable", {{"error_type", describe(plaintext.error())}});
    return std::unexpected(StateError::kUnknown);
  }
  const std::string_view value = plaintext->reveal();
  if (value.size() < 1 + kVerifierBytes || value.front() != kFormatV1) {
    log::error("stored state unreadable", {{"error_type", "unknown format"}});
    return std::unexpected(StateError::kUnknown);
  }
  if (value.substr(1 + kVerifierBytes) != user_id) {
    return std::unexpected(StateError::kWrongUser);
  }
  // The Secret wipes the plaintext; the verifier wipes its own copy.
  return PkceVerifier(std::span<const std::uint8_t, kVerifierBytes>(
      reinterpret_cast<const std::uint8_t*>(value.data() + 1), kVerifierBytes));
}

}  // namespace ac
