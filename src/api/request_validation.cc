#include "api/request_validation.h"

#include <limits>

#include "util/utf8.h"

namespace ac {
namespace {

bool is_python_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

void check_integer(const QueryParam& param, const std::string& text, nlohmann::json& values,
                   ValidationErrors& errors) {
  const nlohmann::json loc = {"query", param.name};
  const auto value = parse_lax_integer(text);
  if (!value) return errors.int_parsing(loc, text);
  if (param.minimum && *value < *param.minimum) {
    return errors.greater_than_equal(loc, text, *param.minimum);
  }
  if (param.maximum && *value > *param.maximum) {
    return errors.less_than_equal(loc, text, *param.maximum);
  }
  values[std::string(param.name)] = *value;
}

void check_string(const QueryParam& param, const std::string& text, nlohmann::json& values,
                  ValidationErrors& errors) {
  const nlohmann::json loc = {"query", param.name};
  const std::size_t length = code_points(text);
  if (param.min_length && length < *param.min_length) {
    return errors.string_too_short(loc, text, *param.min_length);
  }
  if (param.max_length && length > *param.max_length) {
    return errors.string_too_long(loc, text, *param.max_length);
  }
  values[std::string(param.name)] = text;
}

}  // namespace

std::optional<std::int64_t> parse_lax_integer(std::string_view text) {
  while (!text.empty() && is_python_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_python_space(text.back())) text.remove_suffix(1);
  if (const auto dot = text.find('.'); dot != std::string_view::npos) {
    if (text.find_first_not_of('0', dot + 1) != std::string_view::npos) return std::nullopt;
    text = text.substr(0, dot);
  }
  bool negative = false;
  if (!text.empty() && (text.front() == '+' || text.front() == '-')) {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  if (text.empty() || text.front() == '_' || text.back() == '_') return std::nullopt;
  constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
  std::int64_t magnitude = 0;  // saturates at kMax
  char previous = 0;
  for (const char c : text) {
    if (c == '_') {
      if (previous == '_') return std::nullopt;
    } else if (c >= '0' && c <= '9') {
      const int digit = c - '0';
      magnitude = magnitude > (kMax - digit) / 10 ? kMax : magnitude * 10 + digit;
    } else {
      return std::nullopt;
    }
    previous = c;
  }
  return negative ? -magnitude : magnitude;
}

nlohmann::json validate_query(const std::vector<QueryParam>& params, const Form& query,
                              ValidationErrors& errors) {
  nlohmann::json values = nlohmann::json::object();
  for (const auto& param : params) {
    const auto text = form_value(query, param.name);
    if (!text) {
      if (param.required) {
        errors.missing({"query", param.name}, nullptr);
      } else if (!param.default_value.is_null()) {
        values[std::string(param.name)] = param.default_value;
      }
    } else if (param.type == QueryParam::Type::kInteger) {
      check_integer(param, *text, values, errors);
    } else {
      check_string(param, *text, values, errors);
    }
  }
  return values;
}

nlohmann::json validate_body(const RequestBody& declared, const nlohmann::json& body,
                             ValidationErrors& errors) {
  if (body.is_null()) {
    if (declared.required) errors.missing({"body"}, nullptr);
    return nlohmann::json::object();
  }
  if (!body.is_object()) {
    errors.model_attributes_type({"body"}, body);
    return nlohmann::json::object();
  }
  const std::size_t before = errors.detail().size();
  for (const auto& field : declared.fields) {
    // Made only for an error: most bodies have none.
    const auto loc = [&field] { return nlohmann::json{"body", field.name}; };
    const auto member = body.find(field.name);
    if (member == body.end()) {
      if (field.required) errors.missing(loc(), body);
    } else if (member->is_null() && !field.required) {
      continue;
    } else if (!member->is_string()) {
      errors.string_type(loc(), *member);
    } else if (code_points(member->get_ref<const std::string&>()) > field.max_length) {
      errors.string_too_long(loc(), *member, field.max_length);
    }
  }
  // The model's own check runs only on fields that passed, as pydantic's model validators do.
  if (!declared.one_of_required.empty() && errors.detail().size() == before) {
    bool any = false;
    for (const auto name : declared.one_of_required) {
      const auto member = body.find(name);
      any = any || (member != body.end() && member->is_string());
    }
    if (!any) {
      std::string names;
      for (const auto name : declared.one_of_required) {
        names += names.empty() ? "" : " or ";
        names += name;
      }
      errors.value_error({"body"}, body, names + " is required");
    }
  }
  return body;
}

}  // namespace ac
