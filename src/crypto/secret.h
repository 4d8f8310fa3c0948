#pragma once

#include <string>
#include <string_view>

namespace ac {

// Holds a secret (a token, a key, a password) so that it cannot reach a log by accident: it has no
// stream operator and no implicit conversion, and its bytes are wiped when it goes. Read it with
// reveal(), at the one place that must send or use the value.
class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string value) : value_(std::move(value)) {}
  Secret(const Secret& other) : value_(other.value_) {}
  Secret(Secret&& other) noexcept : value_(std::move(other.value_)) { other.wipe(); }
  Secret& operator=(const Secret& other);
  Secret& operator=(Secret&& other) noexcept;
  ~Secret() { wipe(); }

  std::string_view reveal() const { return value_; }
  bool empty() const { return value_.empty(); }
  std::size_t size() const { return value_.size(); }

  friend bool operator==(const Secret& a, const Secret& b);

 private:
  void wipe() noexcept;
  std::string value_;
};

}  // namespace ac
