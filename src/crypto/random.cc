#include "crypto/random.h"

#include <openssl/crypto.h>
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
  ~RandomBuffer() { OPENSSL_cleanse(bytes.data(), bytes.size()); }
};

// Straight from the generator, for large requests and buffer refills.
void fill_from_generator(std::span<std::uint8_t> out) {
  if (out.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()) ||
      RAND_bytes(out.data(), static_cast<int>(out.size())) != 1) {
    throw std::runtime_error("CSPRNG failure");
  }
}

}  // namespace

void fill_random(std::span<std::uint8_t> out) {
  constexpr std::size_t kLargestBuffered = 256;
  [[maybe_unused]] static const int registered =
      pthread_atfork(nullptr, nullptr, after_fork_in_child);
  thread_local RandomBuffer buffer;
  if (out.size() > kLargestBuffered) return fill_from_generator(out);
  const std::uint64_t generation = g_fork_generation.load(std::memory_order_relaxed);
  if (buffer.fork_generation != generation || buffer.bytes.size() - buffer.used < out.size()) {
    fill_from_generator(buffer.bytes);
    buffer.used = 0;
    buffer.fork_generation = generation;
  }
  std::uint8_t* const next = buffer.bytes.data() + buffer.used;
  std::copy_n(next, out.size(), out.begin());
  OPENSSL_cleanse(next, out.size());
  buffer.used += out.size();
}

}  // namespace ac
