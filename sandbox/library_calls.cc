#include "sandbox/library_calls.h"

#include <algorithm>

namespace ac::sandbox {

LibraryCalls::Call::Call(LibraryCalls& book, std::string user)
    : book_(book), user_(std::move(user)) {
  std::lock_guard lock(book_.mutex_);
  auto& count = book_.users_[user_];
  ++count.calls;
  count.max_in_flight = std::max(count.max_in_flight, ++count.in_flight);
}

LibraryCalls::Call::~Call() {
  std::lock_guard lock(book_.mutex_);
  --book_.users_[user_].in_flight;
}

LibraryCallCount LibraryCalls::of(const std::string& user) const {
  std::lock_guard lock(mutex_);
  const auto found = users_.find(user);
  return found == users_.end() ? LibraryCallCount{} : found->second;
}

}  // namespace ac::sandbox
