// fernet-tool encrypt KEYS | decrypt KEYS [TTL] | rotate KEYS
// Reads one value per line on stdin, writes one result per line on stdout. Plaintexts travel as
// hex so that any bytes survive the line format. A line that fails prints "ERROR <reason>".

#include <iostream>
#include <string>

#include "crypto/multi_fernet.h"

namespace {

std::string to_hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (const unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

std::string from_hex(std::string_view hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: fernet-tool encrypt|decrypt|rotate KEYS [TTL]\n";
    return 2;
  }
  const std::string mode = argv[1];
  auto fernet = ac::MultiFernet::parse(argv[2]);
  if (!fernet) {
    std::cerr << fernet.error() << '\n';
    return 2;
  }
  std::optional<std::int64_t> ttl;
  if (argc > 3) ttl = std::stoll(argv[3]);

  std::string line;
  while (std::getline(std::cin, line)) {
    if (mode == "encrypt") {
      auto token = fernet->encrypt(from_hex(line));
      std::cout << (token ? *token : "ERROR " + std::string(describe(token.error()))) << '\n';
    } else if (mode == "decrypt") {
      auto plaintext = fernet->decrypt(line, ttl);
      std::cout << (plaintext ? to_hex(plaintext->reveal())
                              : "ERROR " + std::string(describe(plaintext.error())))
                << '\n';
    } else if (mode == "rotate") {
      auto token = fernet->rotate(line);
      std::cout << (token ? *token : "ERROR " + std::string(describe(token.error()))) << '\n';
    } else {
      std::cerr << "unknown mode " << mode << '\n';
      return 2;
    }
  }
  return 0;
}
