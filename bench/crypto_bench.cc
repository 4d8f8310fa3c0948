// Google Benchmark micro benchmarks of the security core.
//   build/release/bench/crypto_bench

#include <benchmark/benchmark.h>

#include "bench/raw_openssl.h"
#include "crypto/fernet.h"
#include "crypto/pkce.h"
#include "oauth/memory_state_store.h"

namespace ac {
namespace {

const std::string kPlaintext1KiB(1024, 'a');

void BM_FernetEncrypt1KiB(benchmark::State& state) {
  const Fernet fernet(FernetKey::generate());
  for (auto _ : state) benchmark::DoNotOptimize(fernet.encrypt(kPlaintext1KiB));
}
BENCHMARK(BM_FernetEncrypt1KiB);

void BM_FernetDecrypt1KiB(benchmark::State& state) {
  const Fernet fernet(FernetKey::generate());
  const auto token = *fernet.encrypt(kPlaintext1KiB);
  for (auto _ : state) benchmark::DoNotOptimize(fernet.decrypt(token));
}
BENCHMARK(BM_FernetDecrypt1KiB);

void BM_RawOpenSslSeal1KiB(benchmark::State& state) {
  bench::RawAesHmac raw;
  const std::vector<std::uint8_t> plaintext(kPlaintext1KiB.begin(), kPlaintext1KiB.end());
  std::vector<std::uint8_t> sealed;
  for (auto _ : state) {
    raw.seal(plaintext, sealed);
    benchmark::DoNotOptimize(sealed.data());
  }
}
BENCHMARK(BM_RawOpenSslSeal1KiB);

void BM_RawOpenSslOpen1KiB(benchmark::State& state) {
  bench::RawAesHmac raw;
  const std::vector<std::uint8_t> plaintext(kPlaintext1KiB.begin(), kPlaintext1KiB.end());
  std::vector<std::uint8_t> sealed;
  std::vector<std::uint8_t> opened;
  raw.seal(plaintext, sealed);
  for (auto _ : state) benchmark::DoNotOptimize(raw.open(sealed, opened));
}
BENCHMARK(BM_RawOpenSslOpen1KiB);

void BM_PkcePair(benchmark::State& state) {
  for (auto _ : state) {
    const auto verifier = PkceVerifier::generate();
    benchmark::DoNotOptimize(verifier.challenge());
  }
}
BENCHMARK(BM_PkcePair);

// put + consume of a new state while `state.range(0)` others are pending.
void BM_StatePutConsume(benchmark::State& state) {
  MemoryStateStore store(std::chrono::hours(1));
  const auto verifier = PkceVerifier::generate();
  for (std::int64_t i = 0; i < state.range(0); ++i) {
    store.put("pending-" + std::to_string(i), "user-" + std::to_string(i % 1000), verifier);
  }
  std::uint64_t n = 0;
  std::string key;
  for (auto _ : state) {
    key = "fresh-" + std::to_string(n++);
    store.put(key, "user-1", verifier);
    benchmark::DoNotOptimize(store.consume(key, "user-1"));
  }
  state.counters["pending"] = static_cast<double>(state.range(0));
}
BENCHMARK(BM_StatePutConsume)->Arg(1'000)->Arg(1'000'000);

}  // namespace
}  // namespace ac

BENCHMARK_MAIN();
