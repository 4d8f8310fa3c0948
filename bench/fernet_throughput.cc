// Times our Fernet and the raw OpenSSL floor on tokens that Python made (see fernet_vs_python.py).
//   fernet_throughput KEY TOKENS_FILE ROUNDS
// Prints one JSON object of operations per second, best of ROUNDS.

#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "bench/raw_openssl.h"
#include "crypto/fernet.h"

namespace {

double best_ops_per_second(int rounds, std::size_t ops, const std::function<void()>& work) {
  double best = 0;
  for (int r = 0; r < rounds; ++r) {
    const auto start = std::chrono::steady_clock::now();
    work();
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    best = std::max(best, static_cast<double>(ops) / took.count());
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: fernet_throughput KEY TOKENS_FILE ROUNDS\n");
    return 2;
  }
  const auto key = ac::FernetKey::parse(argv[1]);
  if (!key) return 2;
  const ac::Fernet fernet(*key);
  std::vector<std::string> tokens;
  std::ifstream in(argv[2]);
  for (std::string line; std::getline(in, line);) tokens.push_back(line);
  const int rounds = std::stoi(argv[3]);

  std::vector<std::string> plaintexts;
  for (const auto& token : tokens) {
    auto plaintext = fernet.decrypt(token);
    if (!plaintext) {
      std::fprintf(stderr, "a Python token failed: %s\n", ac::describe(plaintext.error()).data());
      return 1;
    }
    plaintexts.emplace_back(plaintext->reveal());
  }

  const double decrypt = best_ops_per_second(rounds, tokens.size(), [&] {
    for (const auto& token : tokens) {
      if (!fernet.decrypt(token)) std::abort();
    }
  });
  const double encrypt = best_ops_per_second(rounds, plaintexts.size(), [&] {
    for (const auto& plaintext : plaintexts) {
      if (!fernet.encrypt(plaintext)) std::abort();
    }
  });

  ac::bench::RawAesHmac raw;
  std::vector<std::vector<std::uint8_t>> raw_plain;
  for (const auto& p : plaintexts) raw_plain.emplace_back(p.begin(), p.end());
  std::vector<std::vector<std::uint8_t>> sealed(raw_plain.size());
  const double raw_seal = best_ops_per_second(rounds, raw_plain.size(), [&] {
    for (std::size_t i = 0; i < raw_plain.size(); ++i) raw.seal(raw_plain[i], sealed[i]);
  });
  std::vector<std::uint8_t> opened;
  const double raw_open = best_ops_per_second(rounds, sealed.size(), [&] {
    for (const auto& s : sealed) {
      if (!raw.open(s, opened)) std::abort();
    }
  });
  std::printf("{\"encrypt\": %.0f, \"decrypt\": %.0f, \"raw_seal\": %.0f, \"raw_open\": %.0f}\n",
              encrypt, decrypt, raw_seal, raw_open);
  return 0;
}
