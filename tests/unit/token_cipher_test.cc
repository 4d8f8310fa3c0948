#include "crypto/token_cipher.h"

#include <gtest/gtest.h>

namespace ac {
namespace {

MultiFernet one_key() { return MultiFernet({FernetKey::generate()}); }

TEST(TokenCipher, SealsAsFernetAndOpens) {
  const TokenCipher cipher(one_key(), false);
  const auto stored = cipher.seal(Secret("Atna|access"));
  ASSERT_TRUE(stored);
  EXPECT_TRUE(TokenCipher::looks_like_fernet(*stored));
  EXPECT_EQ(stored->find("Atna"), std::string::npos);
  const auto opened = cipher.open(*stored);
  ASSERT_TRUE(opened);
  EXPECT_EQ(opened->token.reveal(), "Atna|access");
  EXPECT_FALSE(opened->needs_reseal);
}

TEST(TokenCipher, ATokenUnderAnOldKeyOpensAndIsMarkedForReseal) {
  const FernetKey old_key = FernetKey::generate();
  const auto under_old = *Fernet(old_key).encrypt("Atna|old");
  const TokenCipher cipher(MultiFernet({FernetKey::generate(), old_key}), false);
  const auto opened = cipher.open(under_old);
  ASSERT_TRUE(opened);
  EXPECT_EQ(opened->token.reveal(), "Atna|old");
  EXPECT_EQ(opened->key_index, 1u);
  EXPECT_TRUE(opened->needs_reseal);
  const auto current = cipher.open(*cipher.seal(Secret("Atna|new")));
  EXPECT_EQ(current->key_index, 0u);
  EXPECT_FALSE(current->needs_reseal);
}

TEST(TokenCipher, FailedFernetTokenIsAnErrorEvenWhenPlaintextIsAllowed) {
  const auto foreign = *Fernet(FernetKey::generate()).encrypt("x");
  for (const bool allow : {false, true}) {
    const TokenCipher cipher(one_key(), allow);
    const auto opened = cipher.open(foreign);
    ASSERT_FALSE(opened);
    EXPECT_EQ(opened.error().error, TokenCipher::OpenError::kUndecryptable);
    EXPECT_EQ(opened.error().fernet_error, FernetError::kBadSignature);

    auto truncated = foreign.substr(0, foreign.size() - 10);
    EXPECT_EQ(cipher.open(truncated).error().error, TokenCipher::OpenError::kUndecryptable);
  }
}

TEST(TokenCipher, PlaintextOnlyWhenAllowedAndThenMarkedForReseal) {
  const TokenCipher strict(one_key(), false);
  EXPECT_EQ(strict.open("Atna|legacy").error().error, TokenCipher::OpenError::kPlaintextRefused);

  const TokenCipher lenient(one_key(), true);
  const auto opened = lenient.open("Atna|legacy");
  ASSERT_TRUE(opened);
  EXPECT_EQ(opened->token.reveal(), "Atna|legacy");
  EXPECT_TRUE(opened->needs_reseal);
}

TEST(TokenCipher, WithoutKeyStoresPlaintextAndCannotOpenFernet) {
  const TokenCipher keyless(std::nullopt, true);
  EXPECT_EQ(*keyless.seal(Secret("Atna|x")), "Atna|x");
  EXPECT_FALSE(keyless.open("Atna|x")->needs_reseal);
  const auto encrypted = *Fernet(FernetKey::generate()).encrypt("x");
  EXPECT_EQ(keyless.open(encrypted).error().error, TokenCipher::OpenError::kNoKey);
}

TEST(TokenCipher, EmptyStaysEmpty) {
  const TokenCipher cipher(one_key(), false);
  EXPECT_EQ(*cipher.seal(Secret()), "");
  EXPECT_TRUE(cipher.open("")->token.empty());
}

}  // namespace
}  // namespace ac
