// Secret: copies hold the same value, a moved-from or reassigned one holds no trace of the old.

#include "crypto/secret.h"

#include <gtest/gtest.h>

namespace ac {
namespace {

TEST(Secret, CopyAssignmentCopiesAndSelfAssignmentKeeps) {
  const Secret source("refresh-token-value");
  Secret target("older-value");
  target = source;
  EXPECT_EQ(target.reveal(), "refresh-token-value");
  EXPECT_EQ(target, source);
  const Secret& same = target;
  target = same;
  EXPECT_EQ(target.reveal(), "refresh-token-value");
}

TEST(Secret, MovingLeavesTheSourceEmpty) {
  Secret source("access-token-value");
  Secret moved(std::move(source));
  EXPECT_EQ(moved.reveal(), "access-token-value");
  EXPECT_TRUE(source.reveal().empty());  // NOLINT(bugprone-use-after-move): wiped on purpose
  Secret assigned;
  assigned = std::move(moved);
  EXPECT_EQ(assigned.reveal(), "access-token-value");
  EXPECT_TRUE(moved.reveal().empty());  // NOLINT(bugprone-use-after-move)
}

}  // namespace
}  // namespace ac
