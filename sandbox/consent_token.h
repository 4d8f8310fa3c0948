#pragma once

// The consent form's CSRF token: an HMAC, under a key drawn at start, of the authorize request the
// form carries. Only a page the sandbox served holds it (another origin cannot read that page), so
// a form posted from elsewhere, or with any parameter changed, is refused.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "sandbox/authorization_server.h"

namespace ac::sandbox {

class ConsentTokens {
 public:
  ConsentTokens();  // a fresh random key

  std::string issue(const AuthorizeRequest& request) const;
  // In constant time.
  bool valid(const AuthorizeRequest& request, std::string_view token) const;

 private:
  std::array<std::uint8_t, 32> key_{};
};

}  // namespace ac::sandbox
