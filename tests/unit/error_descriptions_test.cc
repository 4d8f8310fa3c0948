// The texts that name a failure in the log (error_type) and in command output: one for every
// error of the token, key and refresh-lock code, none empty, no two alike and none the fallback
// for a value outside the enum, so that a log line always tells the causes apart.

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "crypto/fernet.h"
#include "crypto/token_cipher.h"
#include "oauth/refresh_lock.h"

namespace ac {
namespace {

template <typename Error>
void expect_distinct_descriptions(std::initializer_list<Error> errors) {
  // A value outside the enum (a corrupted one) still gets a text: the fallback.
  const std::string fallback(describe(static_cast<Error>(255)));
  EXPECT_FALSE(fallback.empty());
  std::set<std::string> seen{fallback};
  for (const Error error : errors) {
    const std::string text(describe(error));
    EXPECT_FALSE(text.empty());
    EXPECT_TRUE(seen.insert(text).second) << "twice, or the fallback: " << text;
  }
}

TEST(ErrorDescriptions, EveryFernetErrorHasItsOwn) {
  expect_distinct_descriptions({FernetError::kEmpty, FernetError::kTooLarge,
                                FernetError::kBadBase64, FernetError::kBadVersion,
                                FernetError::kTooShort, FernetError::kBadLength,
                                FernetError::kBadSignature, FernetError::kBadPadding,
                                FernetError::kExpired, FernetError::kFromTheFuture});
  EXPECT_EQ(describe(FernetError::kBadSignature),
            "signature mismatch (wrong key or tampered token)");
}

TEST(ErrorDescriptions, EveryStoredTokenErrorHasItsOwn) {
  using E = TokenCipher::OpenError;
  expect_distinct_descriptions({E::kUndecryptable, E::kNoKey, E::kPlaintextRefused});
}

TEST(ErrorDescriptions, EveryRefreshLockErrorHasItsOwn) {
  expect_distinct_descriptions({RefreshLockError::kTimeout, RefreshLockError::kUnavailable});
}

}  // namespace
}  // namespace ac
