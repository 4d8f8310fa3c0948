#include "api/validation_errors.h"

#include "api/responses.h"

namespace ac {
namespace {

std::string characters(std::size_t count) {
  return std::to_string(count) + (count == 1 ? " character" : " characters");
}

}  // namespace

void ValidationErrors::add(std::string_view type, nlohmann::json loc, std::string msg,
                           nlohmann::json input) {
  detail_.push_back({{"type", type},
                     {"loc", std::move(loc)},
                     {"msg", std::move(msg)},
                     {"input", std::move(input)}});
}

void ValidationErrors::missing(nlohmann::json loc, nlohmann::json input) {
  add("missing", std::move(loc), "Field required", std::move(input));
}

void ValidationErrors::int_parsing(nlohmann::json loc, nlohmann::json input) {
  add("int_parsing", std::move(loc),
      "Input should be a valid integer, unable to parse string as an integer", std::move(input));
}

void ValidationErrors::greater_than_equal(nlohmann::json loc, nlohmann::json input,
                                          std::int64_t ge) {
  add("greater_than_equal", std::move(loc),
      "Input should be greater than or equal to " + std::to_string(ge), std::move(input));
}

void ValidationErrors::less_than_equal(nlohmann::json loc, nlohmann::json input, std::int64_t le) {
  add("less_than_equal", std::move(loc),
      "Input should be less than or equal to " + std::to_string(le), std::move(input));
}

void ValidationErrors::string_type(nlohmann::json loc, nlohmann::json input) {
  add("string_type", std::move(loc), "Input should be a valid string", std::move(input));
}

void ValidationErrors::string_too_short(nlohmann::json loc, nlohmann::json input,
                                        std::size_t min_length) {
  add("string_too_short", std::move(loc), "String should have at least " + characters(min_length),
      std::move(input));
}

void ValidationErrors::string_too_long(nlohmann::json loc, nlohmann::json input,
                                       std::size_t max_length) {
  add("string_too_long", std::move(loc), "String should have at most " + characters(max_length),
      std::move(input));
}

void ValidationErrors::model_attributes_type(nlohmann::json loc, nlohmann::json input) {
  add("model_attributes_type", std::move(loc),
      "Input should be a valid dictionary or object to extract fields from", std::move(input));
}

void ValidationErrors::value_error(nlohmann::json loc, nlohmann::json input,
                                   std::string_view message) {
  add("value_error", std::move(loc), "Value error, " + std::string(message), std::move(input));
}

HttpResponse ValidationErrors::response() const {
  return json_response(422, {{"detail", detail_}});
}

}  // namespace ac
