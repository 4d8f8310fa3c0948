#include "crypto/pkce.h"

#include <openssl/crypto.h>

#include <algorithm>

#include "crypto/base64url.h"
#include "crypto/random.h"
#include "crypto/sha256.h"

namespace ac {

PkceVerifier PkceVerifier::generate() {
  std::array<std::uint8_t, 32> entropy;
  fill_random(entropy);
  PkceVerifier verifier(entropy);
  OPENSSL_cleanse(entropy.data(), entropy.size());
  return verifier;
}

PkceVerifier::PkceVerifier(std::span<const std::uint8_t, 32> entropy) {
  std::copy(entropy.begin(), entropy.end(), entropy_.begin());
}

PkceVerifier::~PkceVerifier() { OPENSSL_cleanse(entropy_.data(), entropy_.size()); }

std::string PkceVerifier::text() const {
  return base64url::encode(entropy_, base64url::Padding::kStrip);
}

std::string PkceVerifier::challenge() const {
  std::string verifier = text();
  const auto digest = sha256(verifier);
  OPENSSL_cleanse(verifier.data(), verifier.size());
  return base64url::encode(digest, base64url::Padding::kStrip);
}

}  // namespace ac
