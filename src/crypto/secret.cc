#include "crypto/secret.h"

#include <openssl/crypto.h>

namespace ac {

Secret& Secret::operator=(const Secret& other) {
  if (this != &other) {
    wipe();
    value_ = other.value_;
  }
  return *this;
}

Secret& Secret::operator=(Secret&& other) noexcept {
  if (this != &other) {
    wipe();
    value_ = std::move(other.value_);
    other.wipe();
  }
  return *this;
}

bool operator==(const Secret& a, const Secret& b) {
  return a.value_.size() == b.value_.size() &&
         CRYPTO_memcmp(a.value_.data(), b.value_.data(), a.value_.size()) == 0;
}

void Secret::wipe() noexcept {
  // capacity() covers the small-string buffer too, which a move leaves holding the old bytes.
  OPENSSL_cleanse(value_.data(), value_.capacity());
  value_.clear();
}

}  // namespace ac
