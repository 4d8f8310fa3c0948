// Fernet (src/crypto): any text as a token must decrypt or fail cleanly, with a TTL or without;
// and the same bytes signed with the key (a token that passes its HMAC) must reach AES and the
// padding check without a crash. Whatever encrypts must decrypt to itself.

#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "crypto/base64url.h"
#include "crypto/hmac_sha256.h"
#include "crypto/multi_fernet.h"

namespace {

const ac::FernetKey& key() {
  static const ac::FernetKey k =
      *ac::FernetKey::parse("cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=");
  return k;
}

const ac::MultiFernet& fernets() {
  static const ac::MultiFernet f(
      {key(), *ac::FernetKey::parse("Fk9BY7CBwaXdhJsn1fQ4Cg8wKyn-Wjg4sQXyrWS7yM8=")});
  return f;
}

// 0x80, then the input as timestamp, IV and ciphertext, then a valid HMAC.
std::string signed_token(std::string_view body) {
  std::vector<std::uint8_t> bytes{0x80};
  bytes.insert(bytes.end(), body.begin(), body.end());
  const auto mac = ac::hmac_sha256(key().signing_key(), bytes);
  bytes.insert(bytes.end(), mac.begin(), mac.end());
  return ac::base64url::encode(bytes, ac::base64url::Padding::kKeep);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  (void)fernets().decrypt(input);
  (void)fernets().decrypt(input, 60);
  (void)fernets().decrypt_with_key_index(input);
  (void)fernets().decrypt(signed_token(input));
  (void)fernets().rotate(input);
  const auto token = fernets().encrypt(input);
  if (!token) {
    if (size <= ac::kMaxFernetInput) std::abort();
    return 0;
  }
  const auto plain = fernets().decrypt(*token);
  if (!plain || plain->reveal() != input) std::abort();
  return 0;
}
