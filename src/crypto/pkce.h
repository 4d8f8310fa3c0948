#pragma once

// PKCE (RFC 7636) with the S256 method only.

#include <array>
#include <cstdint>
#include <span>
#include <string>

namespace ac {

// The verifier's 32 bytes of entropy; its text form is their unpadded base64url (43 characters).
// Kept as bytes so that a pending authorization stays small; wiped when it goes.
class PkceVerifier {
 public:
  static PkceVerifier generate();
  explicit PkceVerifier(std::span<const std::uint8_t, 32> entropy);
  PkceVerifier(const PkceVerifier&) = default;
  PkceVerifier& operator=(const PkceVerifier&) = default;
  ~PkceVerifier();

  std::string text() const;
  // base64url(SHA-256(text())), unpadded.
  std::string challenge() const;

 private:
  std::array<std::uint8_t, 32> entropy_;
};

}  // namespace ac
