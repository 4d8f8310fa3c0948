#include "crypto/random.h"

#include <openssl/rand.h>
#include <pthread.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <limits>
#include <stdexcept>

namespace ac {
namespace {

// Bumped in a forked child, so that every thread's buffer there is dropped before use.
std::atomic<std::uint64_t> g_fork_generation{0};

void after_fork_in_child() { g_fork_generation.fetch_add(1, std::memory_order_relaxed); }

struct RandomBuffer {
  std::array<std::uint8_t, 4096> bytes;
  std::size_t used = bytes.size();
  std::uint64_t fork_generation = 0;
};

}  // namespace

void fill_random(std::span<std::uint8_t> out) {
  if (out.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()) ||
      RAND_bytes(out.data(), static_cast<int>(out.size())) != 1) {
    throw std::runtime_error("CSPRNG failure");
  }
}

void fill_random_buffered(std::span<std::uint8_t> out) {
  [[maybe_unused]] static const int registered =
      pthread_atfork(nullptr, nullptr, after_fork_in_child);
  thread_local RandomBuffer buffer;
  if (out.size() > buffer.bytes.size()) return fill_random(out);
  const std::uint64_t generation = g_fork_generation.load(std::memory_order_relaxed);
  if (buffer.fork_generation != generation || buffer.bytes.size() - buffer.used < out.size()) {
    fill_random(buffer.bytes);
    buffer.used = 0;
    buffer.fork_generation = generation;
  }
  std::copy_n(buffer.bytes.begin() + static_cast<std::ptrdiff_t>(buffer.used), out.size(),
              out.begin());
  buffer.used += out.size();
}

}  // namespace ac
