#pragma once

// The one place that writes a 422: FastAPI's validation shape
// {"detail":[{"type","loc","msg","input"}]}, with pydantic v2's error types and messages, so a
// frontend written against the Python service reads it unchanged. FastAPI reports every failing
// parameter at once; so does this, in the order they were added.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "http/message.h"

namespace ac {

class ValidationErrors {
 public:
  // `loc` is the path to the value: ["query","limit"], ["body","state"], ["body"].
  void missing(nlohmann::json loc, nlohmann::json input);
  void int_parsing(nlohmann::json loc, nlohmann::json input);
  void greater_than_equal(nlohmann::json loc, nlohmann::json input, std::int64_t ge);
  void less_than_equal(nlohmann::json loc, nlohmann::json input, std::int64_t le);
  void string_type(nlohmann::json loc, nlohmann::json input);
  void string_too_short(nlohmann::json loc, nlohmann::json input, std::size_t min_length);
  void string_too_long(nlohmann::json loc, nlohmann::json input, std::size_t max_length);
  // A body that is JSON but not an object, where a model was expected.
  void model_attributes_type(nlohmann::json loc, nlohmann::json input);
  // A model's own check failed (pydantic prefixes the message with "Value error, ").
  void value_error(nlohmann::json loc, nlohmann::json input, std::string_view message);

  bool empty() const { return detail_.empty(); }
  const nlohmann::json& detail() const { return detail_; }
  HttpResponse response() const;  // 422

 private:
  void add(std::string_view type, nlohmann::json loc, std::string msg, nlohmann::json input);

  nlohmann::json detail_ = nlohmann::json::array();
};

}  // namespace ac
