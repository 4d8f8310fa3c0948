#include "import/mongo_export.h"

#include <cctype>
#include <charconv>
#include <ctime>
#include <optional>

namespace ac {
namespace {

using json = nlohmann::json;

// The latest instant a date field may name: 9999-12-31T23:59:59Z.
constexpr std::int64_t kLatestSeconds = 253'402'300'799;

std::optional<std::int64_t> integer_of(std::string_view text) {
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// "2026-01-27T10:00:00Z", with optional fractional seconds and a Z or +hh:mm / -hh:mm offset.
std::optional<std::int64_t> iso8601_seconds(std::string_view text) {
  std::tm tm{};
  int consumed = 0;
  const std::string copy(text);
  if (std::sscanf(copy.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &consumed) != 6 ||
      consumed != 19) {
    return std::nullopt;
  }
  if (tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 ||
      tm.tm_min > 59 || tm.tm_sec > 60) {
    return std::nullopt;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  std::int64_t seconds = timegm(&tm);
  std::string_view rest = text.substr(19);
  if (rest.starts_with('.')) {
    rest.remove_prefix(1);
    while (!rest.empty() && std::isdigit(static_cast<unsigned char>(rest.front()))) {
      rest.remove_prefix(1);
    }
  }
  if (rest == "Z") return seconds;
  if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':') {
    const auto hours = integer_of(rest.substr(1, 2));
    const auto minutes = integer_of(rest.substr(4, 2));
    if (!hours || !minutes || *hours > 23 || *minutes > 59) return std::nullopt;
    const std::int64_t offset = *hours * 3600 + *minutes * 60;
    return rest[0] == '+' ? seconds - offset : seconds + offset;
  }
  return std::nullopt;
}

// A whole number in Extended JSON: a plain number, {"$numberInt": "7"} or {"$numberLong": "7"}.
std::optional<std::int64_t> extended_integer(const json& value) {
  if (value.is_number_integer()) return value.get<std::int64_t>();
  if (value.is_object() && value.size() == 1) {
    for (const char* wrapper : {"$numberInt", "$numberLong"}) {
      const auto it = value.find(wrapper);
      if (it != value.end() && it->is_string()) return integer_of(it->get<std::string>());
    }
  }
  return std::nullopt;
}

// A date as unix seconds: {"$date": "ISO"} (relaxed), {"$date": {"$numberLong": "ms"}}
// (canonical), {"$date": ms} (legacy), or a plain whole number of seconds.
std::optional<std::int64_t> extended_date(const json& value) {
  std::optional<std::int64_t> seconds;
  if (value.is_object() && value.size() == 1 && value.contains("$date")) {
    const json& date = value["$date"];
    if (date.is_string()) {
      seconds = iso8601_seconds(date.get<std::string>());
    } else if (const auto millis = extended_integer(date)) {
      seconds = *millis / 1000 - (*millis % 1000 < 0 ? 1 : 0);
    }
  } else if (value.is_number_integer()) {
    seconds = value.get<std::int64_t>();
  }
  if (!seconds || *seconds < 0 || *seconds > kLatestSeconds) return std::nullopt;
  return seconds;
}

// A string, or an ObjectId's hex ({"$oid": "..."}), which is how a reference may be exported.
std::optional<std::string> extended_string(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_object() && value.size() == 1) {
    const auto it = value.find("$oid");
    if (it != value.end() && it->is_string()) return it->get<std::string>();
  }
  return std::nullopt;
}

bool absent(const json& document, const char* field) {
  const auto it = document.find(field);
  return it == document.end() || it->is_null();
}

}  // namespace

std::expected<MongoAccount, std::string> parse_mongo_account(const json& document) {
  if (!document.is_object()) return std::unexpected("not a JSON object");
  MongoAccount account;
  AccountRecord& r = account.record;

  if (absent(document, "user_id")) return std::unexpected("missing user_id");
  auto user_id = extended_string(document["user_id"]);
  if (!user_id || user_id->empty()) return std::unexpected("user_id is not a string");
  r.user_id = std::move(*user_id);

  for (const auto& [field, target] :
       {std::pair{"access_token", &r.access_token}, std::pair{"refresh_token", &r.refresh_token},
        std::pair{"audible_user_id", &r.audible_user_id}}) {
    if (absent(document, field)) {
      if (std::string_view(field) == "access_token") return std::unexpected("missing access_token");
      continue;
    }
    if (!document[field].is_string())
      return std::unexpected(std::string(field) + " is not a string");
    *target = document[field].get<std::string>();
  }
  if (r.access_token.empty()) return std::unexpected("access_token is empty");

  for (const auto& [field, target] :
       {std::pair{"expires_at", &r.expires_at}, std::pair{"connected_at", &r.connected_at}}) {
    if (absent(document, field)) continue;
    const auto seconds = extended_date(document[field]);
    if (!seconds) return std::unexpected(std::string(field) + " is not a date");
    *target = *seconds;
  }
  // The Python model had no connected_at at first: its creation time stands in.
  if (absent(document, "connected_at") && !absent(document, "created_at")) {
    const auto created = extended_date(document["created_at"]);
    if (!created) return std::unexpected("created_at is not a date");
    r.connected_at = *created;
  }
  if (!absent(document, "synced_at")) {
    const auto synced = extended_date(document["synced_at"]);
    if (!synced) return std::unexpected("synced_at is not a date");
    r.synced_at = *synced;
  }
  if (!absent(document, "last_sync_error")) {
    if (!document["last_sync_error"].is_string()) {
      return std::unexpected("last_sync_error is not a string");
    }
    r.last_sync_error = document["last_sync_error"].get<std::string>();
  }
  if (!absent(document, "sync_status")) {
    if (!document["sync_status"].is_string()) return std::unexpected("sync_status is not a string");
    r.sync_status = document["sync_status"].get<std::string>();
  } else {
    r.sync_status = r.synced_at ? "synced" : "never_synced";
  }
  if (!absent(document, "is_active")) {
    if (!document["is_active"].is_boolean()) return std::unexpected("is_active is not a boolean");
    account.is_active = document["is_active"].get<bool>();
  }
  return account;
}

void read_mongo_export(std::istream& in, const std::function<void(MongoDocument)>& each) {
  // A --jsonArray dump starts with '['; anything else is one document per line.
  std::int64_t number = 0;
  while (std::isspace(in.peek())) {
    if (in.get() == '\n') ++number;
  }
  if (in.peek() == '[') {
    const json documents = json::parse(in, nullptr, false);
    if (documents.is_discarded() || !documents.is_array()) {
      each({1, std::unexpected("not a JSON array of documents")});
      return;
    }
    std::int64_t position = 0;
    for (const auto& document : documents) each({++position, parse_mongo_account(document)});
    return;
  }
  std::string line;
  while (std::getline(in, line)) {
    ++number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const json document = json::parse(line, nullptr, false);
    if (document.is_discarded()) {
      each({number, std::unexpected("not valid JSON")});
      continue;
    }
    each({number, parse_mongo_account(document)});
  }
}

}  // namespace ac
