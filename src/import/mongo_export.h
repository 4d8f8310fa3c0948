#pragma once

// The Python service's accounts as `mongoexport` writes them (collection user_audible_accounts):
// one document per line, or one JSON array (--jsonArray); MongoDB Extended JSON in its relaxed or
// canonical form ($oid, $date as an ISO string or {"$numberLong": millis}, $numberInt,
// $numberLong). Fields as the seeds' UserAudibleAccount has them; tokens are taken as they are
// stored (Fernet tokens, or plaintext where the Python service had no key) and never appear in an
// error message.

#include <cstdint>
#include <expected>
#include <functional>
#include <istream>
#include <nlohmann/json.hpp>
#include <string>

#include "store/account_store.h"

namespace ac {

struct MongoAccount {
  AccountRecord record;  // versions unset; tokens as found in the dump
  bool is_active = true;
};

// One document of the dump: where it was (its line, or its position in a --jsonArray dump) and
// the account, or why it cannot be read (wrong JSON, missing user_id, a field of the wrong type).
struct MongoDocument {
  std::int64_t position = 0;
  std::expected<MongoAccount, std::string> account;
};

// Calls `each` for every document, in order; blank lines are skipped. Reads a line at a time
// unless the dump is one JSON array.
void read_mongo_export(std::istream& in, const std::function<void(MongoDocument)>& each);

// One document, already parsed as JSON.
std::expected<MongoAccount, std::string> parse_mongo_account(const nlohmann::json& document);

}  // namespace ac
