#include "net/http_client.h"

#include <curl/curl.h>

#include <array>
#include <chrono>
#include <mutex>

#include "config/url.h"

namespace ac {
namespace {

constexpr std::size_t kMaxResponseBytes = 32 * 1024 * 1024;

struct Collected {
  OutboundResponse* response;
  bool too_large = false;
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* collected = static_cast<Collected*>(user);
  const std::size_t n = size * count;
  if (collected->response->body.size() + n > kMaxResponseBytes) {
    collected->too_large = true;
    return 0;  // aborts the transfer
  }
  collected->response->body.append(data, n);
  return n;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto* collected = static_cast<Collected*>(user);
  const std::size_t n = size * count;
  std::string_view line(data, n);
  if (line.starts_with("HTTP/")) {
    collected->response->headers.clear();  // a new response (after 100 Continue, say)
    return n;
  }
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) return n;
  std::string name(line.substr(0, colon));
  for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
    value.remove_suffix(1);
  }
  collected->response->headers.emplace_back(std::move(name), std::string(value));
  return n;
}

}  // namespace

std::optional<std::string_view> OutboundResponse::header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return value;
  }
  return std::nullopt;
}

HttpClient::HttpClient(HttpClientSettings settings) : settings_(settings) {
  static std::once_flag global_init;
  std::call_once(global_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

HttpClient::~HttpClient() {
  for (void* handle : idle_) curl_easy_cleanup(static_cast<CURL*>(handle));
}

void* HttpClient::checkout() {
  std::unique_lock lock(mutex_);
  const bool got = available_.wait_for(lock, std::chrono::seconds(settings_.pool_timeout_seconds),
                                       [&] { return in_use_ < settings_.max_connections; });
  if (!got) return nullptr;
  ++in_use_;
  if (!idle_.empty()) {
    void* handle = idle_.back();
    idle_.pop_back();
    return handle;
  }
  lock.unlock();
  CURL* handle = curl_easy_init();
  if (handle == nullptr) {
    std::lock_guard relock(mutex_);
    --in_use_;
    available_.notify_one();
  }
  return handle;
}

void HttpClient::give_back(void* handle) {
  std::unique_lock lock(mutex_);
  --in_use_;
  // Handles past the keep-alive allowance close their connection instead of idling.
  if (static_cast<int>(idle_.size()) < settings_.keepalive_connections) {
    idle_.push_back(handle);
    handle = nullptr;
  }
  available_.notify_one();
  lock.unlock();
  if (handle != nullptr) curl_easy_cleanup(static_cast<CURL*>(handle));
}

std::expected<OutboundResponse, TransportFailure> HttpClient::send(const OutboundRequest& request) {
  if (!is_allowed_outbound_url(request.url)) {
    return std::unexpected(
        TransportFailure{TransportError::kRefusedUrl, "refused: not https and not loopback"});
  }
  void* raw = checkout();
  if (raw == nullptr) {
    return std::unexpected(TransportFailure{TransportError::kBusy, "no free connection"});
  }
  CURL* curl = static_cast<CURL*>(raw);
  curl_easy_reset(curl);  // keeps the handle's connection cache

  OutboundResponse response;
  Collected collected{&response};
  curl_slist* headers = nullptr;
  for (const auto& [name, value] : request.headers) {
    headers = curl_slist_append(headers, (name + ": " + value).c_str());
  }
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, static_cast<long>(settings_.timeout_seconds));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT,
                   static_cast<long>(settings_.connect_timeout_seconds));
  curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &collected);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &collected);
  if (request.method == "POST") {
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(request.body.size()));
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.c_str());
  } else if (request.method != "GET") {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }

  const CURLcode code = curl_easy_perform(curl);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  curl_slist_free_all(headers);
  give_back(curl);

  if (collected.too_large) {
    return std::unexpected(TransportFailure{TransportError::kTooLarge, "response too large"});
  }
  if (code == CURLE_OPERATION_TIMEDOUT) {
    return std::unexpected(TransportFailure{TransportError::kTimeout, curl_easy_strerror(code)});
  }
  if (code == CURLE_COULDNT_CONNECT || code == CURLE_COULDNT_RESOLVE_HOST) {
    return std::unexpected(TransportFailure{TransportError::kConnect, curl_easy_strerror(code)});
  }
  if (code != CURLE_OK) {
    return std::unexpected(TransportFailure{TransportError::kOther, curl_easy_strerror(code)});
  }
  return response;
}

namespace {

// RFC 3986's unreserved characters, the only ones form encoding leaves as they are.
constexpr std::array<bool, 256> make_unreserved_table() {
  std::array<bool, 256> table{};
  for (int c = 0; c < 256; ++c) {
    table[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '-' || c == '.' || c == '_' || c == '~';
  }
  return table;
}

constexpr auto kUnreserved = make_unreserved_table();

}  // namespace

void append_form_encoded(std::string& out, std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::size_t i = 0;
  while (i < value.size()) {
    // Runs of unreserved characters are appended whole (a push_back each showed in profiles).
    std::size_t run = i;
    while (run < value.size() && kUnreserved[static_cast<unsigned char>(value[run])]) ++run;
    out.append(value.data() + i, run - i);
    if (run == value.size()) break;
    const auto c = static_cast<unsigned char>(value[run]);
    const char escaped[] = {'%', kHex[c >> 4], kHex[c & 15]};
    out.append(escaped, 3);
    i = run + 1;
  }
}

std::string form_encode(std::string_view value) {
  std::string out;
  out.reserve(value.size() * 3);
  append_form_encoded(out, value);
  return out;
}

std::string form_body(const std::vector<std::pair<std::string_view, std::string_view>>& fields) {
  std::size_t size = 0;
  for (const auto& [name, value] : fields) size += name.size() + value.size() + 2;
  std::string body;
  body.reserve(size + size / 4);
  for (const auto& [name, value] : fields) {
    if (!body.empty()) body.push_back('&');
    append_form_encoded(body, name);
    body.push_back('=');
    append_form_encoded(body, value);
  }
  return body;
}

}  // namespace ac
