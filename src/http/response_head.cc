#include "http/response_head.h"

#include <boost/beast/http/status.hpp>
#include <charconv>
#include <ostream>  // Beast's status header needs it and does not include it

namespace ac {

std::string response_head(const HttpResponse& response, unsigned version, bool keep_alive) {
  const auto status = static_cast<unsigned>(response.status);
  const auto reason =
      boost::beast::http::obsolete_reason(static_cast<boost::beast::http::status>(response.status));
  std::string head;
  std::size_t size = 64 + reason.size() + response.preset_headers.size();
  for (const auto& [name, value] : response.headers) size += name.size() + value.size() + 4;
  head.reserve(size);

  head += version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
  char number[24];
  head.append(number, std::to_chars(number, number + sizeof number, status).ptr);
  head.push_back(' ');
  head.append(reason.data(), reason.size());
  head += "\r\n";
  for (const auto& [name, value] : response.headers) {
    head += name;
    head += ": ";
    head += value;
    head += "\r\n";
  }
  head += response.preset_headers;
  if (status >= 200 && status != 204 && status != 304) {
    head += "Content-Length: ";
    head.append(number, std::to_chars(number, number + sizeof number, response.body.size()).ptr);
    head += "\r\n";
  }
  if (version == 10 && keep_alive) head += "Connection: keep-alive\r\n";
  if (version != 10 && !keep_alive) head += "Connection: close\r\n";
  head += "\r\n";
  return head;
}

}  // namespace ac
