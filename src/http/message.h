#pragma once

// Plain request and response values: what handlers see of HTTP, free of Boost.Beast.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ac {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method;  // upper case, as sent
  std::string path;    // target up to '?', still percent-encoded
  std::string query;   // after '?', without it
  HeaderList headers;  // names in lower case
  std::string body;
  std::string peer_address;  // the connection's remote IP address, as text ("" if unknown)

  // First value of a header, by lower-case name.
  std::optional<std::string_view> header(std::string_view lower_name) const;
};

struct HttpResponse {
  int status = 200;
  HeaderList headers;
  std::string body;
  // Header lines written after `headers` as they are ("Name: value\r\n" each): constant blocks,
  // such as the security headers, serialized once instead of per response. It must point at
  // storage that outlives the response; set_header does not see into it.
  std::string_view preset_headers;
  // Close the connection without answering: only the sandbox's "dropped connection" fault.
  bool close_without_answer = false;

  // Replaces any header of that name (compared without case) in `headers`.
  void set_header(std::string_view name, std::string value);
  // A header's value from `headers`, else from the preset block.
  std::optional<std::string_view> header(std::string_view name) const;
};

}  // namespace ac
