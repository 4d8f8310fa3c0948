#include "http/beast_request.h"

namespace ac {
namespace {

// ASCII only, as header names are; std::tolower consults the locale for every character.
char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

HttpRequest to_request(boost::beast::http::request<boost::beast::http::string_body>&& message,
                       std::string peer_address) {
  HttpRequest request;
  request.peer_address = std::move(peer_address);
  request.method = std::string(message.method_string());
  const std::string_view target(message.target().data(), message.target().size());
  const auto question = target.find('?');
  request.path = std::string(target.substr(0, question));
  if (question != std::string_view::npos) request.query = std::string(target.substr(question + 1));
  request.headers.reserve(static_cast<std::size_t>(std::distance(message.begin(), message.end())));
  for (const auto& field : message) {
    std::string name(field.name_string());
    for (auto& c : name) c = ascii_lower(c);
    request.headers.emplace_back(std::move(name), std::string(field.value()));
  }
  request.body = std::move(message.body());
  return request;
}

}  // namespace ac
