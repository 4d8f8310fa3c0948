#pragma once

// Per user, how often /1.0/library was called (faulted calls too) and the most calls of that user
// in flight at once, so that a test can see an account synced once per interval and never by two
// instances at the same time. Thread-safe.

#include <map>
#include <mutex>
#include <string>

namespace ac::sandbox {

struct LibraryCallCount {
  int calls = 0;
  int in_flight = 0;
  int max_in_flight = 0;
};

class LibraryCalls {
 public:
  // Counts one call for as long as it lives.
  class Call {
   public:
    Call(LibraryCalls& book, std::string user);
    ~Call();
    Call(const Call&) = delete;
    Call& operator=(const Call&) = delete;

   private:
    LibraryCalls& book_;
    std::string user_;
  };

  LibraryCallCount of(const std::string& user) const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, LibraryCallCount> users_;
};

}  // namespace ac::sandbox
