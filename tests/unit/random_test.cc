#include "crypto/random.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <set>

namespace ac {
namespace {

using Block = std::array<std::uint8_t, 16>;

Block random_block() {
  Block block{};
  fill_random(block);
  return block;
}

TEST(Random, NeverRepeatsAcrossRefills) {
  std::set<Block> seen;
  // 4 KiB buffers hold 256 blocks: this crosses several refills.
  for (int i = 0; i < 2000; ++i) EXPECT_TRUE(seen.insert(random_block()).second);
}

TEST(Random, LargeRequestsComeStraightFromTheGenerator) {
  std::vector<std::uint8_t> big(10'000, 0);
  fill_random(big);
  EXPECT_GT(std::set<std::uint8_t>(big.begin(), big.end()).size(), 200u);
}

// Without the fork handler, parent and child would hand out the same next bytes from their copies
// of one buffer: two Fernet tokens with the same IV.
TEST(Random, AForkedChildDoesNotReuseItsParentsBytes) {
  random_block();  // the buffer is filled and has unused bytes
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    const Block block = random_block();
    _exit(write(fds[1], block.data(), block.size()) == static_cast<ssize_t>(block.size()) ? 0 : 1);
  }
  close(fds[1]);
  Block from_child{};
  ASSERT_EQ(read(fds[0], from_child.data(), from_child.size()),
            static_cast<ssize_t>(from_child.size()));
  close(fds[0]);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_NE(from_child, random_block());
}

}  // namespace
}  // namespace ac
