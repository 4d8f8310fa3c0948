#include "http/beast_request.h"

#include <cctype>

namespace ac {

HttpRequest to_request(boost::beast::http::request<boost::beast::http::string_body>&& message,
                       std::string peer_address) {
  HttpRequest request;
  request.peer_address = std::move(peer_address);
  request.method = std::string(message.method_string());
  const std::string_view target(message.target().data(), message.target().size());
  const auto question = target.find('?');
  request.path = std::string(target.substr(0, question));
  if (question != std::string_view::npos) request.query = std::string(target.substr(question + 1));
  for (const auto& field : message) {
    std::string name(field.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    request.headers.emplace_back(std::move(name), std::string(field.value()));
  }
  request.body = std::move(message.body());
  return request;
}

}  // namespace ac
