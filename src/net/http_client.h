#pragma once

// Outbound HTTP through libcurl: certificate verification, timeouts, a cap on connections at
// once and on the idle ones kept for reuse (the AUDIBLE_HTTP_* settings). A request that finds no
// connection free within AUDIBLE_HTTP_POOL_TIMEOUT_SECONDS fails at once (kBusy) instead of
// queueing behind a slow provider. Refuses any URL that is not https, except plain http to a
// loopback host. Blocking: call it off the I/O threads. Thread-safe.

#include <condition_variable>
#include <expected>
#include <mutex>
#include <string>
#include <vector>

#include "config/settings.h"
#include "http/message.h"

namespace ac {

struct OutboundRequest {
  std::string method = "GET";
  std::string url;
  HeaderList headers;
  std::string body;
};

struct OutboundResponse {
  long status = 0;
  HeaderList headers;  // names in lower case
  std::string body;
  std::optional<std::string_view> header(std::string_view lower_name) const;
};

enum class TransportError { kRefusedUrl, kBusy, kTimeout, kConnect, kTooLarge, kOther };

struct TransportFailure {
  TransportError kind;
  std::string message;  // for the log; never holds request bodies or headers
};

class HttpClient {
 public:
  explicit HttpClient(HttpClientSettings settings);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  std::expected<OutboundResponse, TransportFailure> send(const OutboundRequest& request);

 private:
  void* checkout();  // a CURL easy handle; nullptr when none freed up within the pool timeout
  void give_back(void* handle);

  HttpClientSettings settings_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<void*> idle_;
  int in_use_ = 0;
};

// Form encoding (application/x-www-form-urlencoded) of one value.
std::string form_encode(std::string_view value);
void append_form_encoded(std::string& out, std::string_view value);
std::string form_body(const std::vector<std::pair<std::string_view, std::string_view>>& fields);

}  // namespace ac
