#pragma once

// Concurrent calls for one key share one piece of work: the first caller (the leader) runs it,
// those who arrive while it runs wait for it and get a copy of its result. Nothing is kept after
// the work ends, so a later call runs it again (a cache in front decides whether it must).
// Used where a cache expiring under load would otherwise send every waiting request to the same
// slow backend at once (a stampede that takes the whole outbound connection pool).
//
// Thread-safe. The work runs on the leader's thread, without any lock held. If it throws, the
// leader and every waiter get the exception, and the flight ends as any other.

#include <condition_variable>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>

namespace ac {

template <typename Key, typename Value, typename Hash = std::hash<Key>>
class SingleFlight {
 public:
  // `work()`'s result, or the result of the call for `key` already running. `shared`, when
  // given, says which of the two it was.
  template <typename Work>
  Value run(const Key& key, Work&& work, bool* shared = nullptr) {
    std::shared_ptr<Flight> flight;
    bool leader = false;
    {
      std::lock_guard lock(mutex_);
      auto& slot = flights_[key];
      leader = slot == nullptr;
      if (leader) slot = std::make_shared<Flight>();
      flight = slot;
    }
    if (shared != nullptr) *shared = !leader;
    if (!leader) {
      std::unique_lock lock(flight->mutex);
      flight->done.wait(lock, [&] { return flight->finished; });
      if (flight->error) std::rethrow_exception(flight->error);
      return *flight->result;
    }
    std::optional<Value> result;
    std::exception_ptr error;
    try {
      result.emplace(std::forward<Work>(work)());
    } catch (...) {
      error = std::current_exception();
    }
    {
      std::lock_guard lock(flight->mutex);
      flight->result = result;
      flight->error = error;
      flight->finished = true;
    }
    flight->done.notify_all();
    {
      std::lock_guard lock(mutex_);
      flights_.erase(key);
    }
    if (error) std::rethrow_exception(error);
    return std::move(*result);
  }

 private:
  struct Flight {
    std::mutex mutex;
    std::condition_variable done;
    bool finished = false;
    std::optional<Value> result;  // set unless the work threw
    std::exception_ptr error;
  };
  std::mutex mutex_;
  std::unordered_map<Key, std::shared_ptr<Flight>, Hash> flights_;
};

}  // namespace ac
