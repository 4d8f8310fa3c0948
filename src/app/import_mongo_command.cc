#include <fstream>
#include <map>
#include <ostream>

#include "app/commands.h"
#include "app/store_command.h"
#include "crypto/token_cipher.h"
#include "import/mongo_export.h"

namespace ac {
namespace {

// The token as it will be stored: a Fernet token that a configured key opens is kept as it is
// (rotate-keys moves it to the first key); plaintext (the Python service without a key) is
// encrypted now. nullopt: a Fernet token no configured key opens, which is never stored.
std::optional<std::string> token_to_store(const MultiFernet& keys, const std::string& token) {
  if (token.empty()) return token;
  if (TokenCipher::looks_like_fernet(token)) {
    if (!keys.decrypt_with_key_index(token)) return std::nullopt;
    return token;
  }
  auto sealed = keys.encrypt(token);
  if (!sealed) return std::nullopt;
  return *sealed;
}

struct Counts {
  std::int64_t read = 0;
  std::int64_t imported = 0;
  std::int64_t updated = 0;
  std::int64_t unchanged = 0;
  std::map<std::string, std::int64_t> skipped;  // by reason
};

}  // namespace

int run_import_mongo(const EnvLookup& env, const std::string& file, std::ostream& out,
                     std::ostream& err) {
  std::ifstream in(file);
  if (!in) {
    err << "audible-connect: import-mongo: cannot read " << file << '\n';
    return 1;
  }
  const auto opened = open_store_command(env, err, /*needs_keys=*/true);
  if (!opened) return 1;
  const MultiFernet& keys = *opened->settings.token_keys;
  AccountStore& accounts = *opened->stores.accounts;

  Counts counts;
  read_mongo_export(in, [&](MongoDocument document) {
    ++counts.read;
    const std::string where = "line " + std::to_string(document.position);
    if (!document.account) {
      err << where << ": skipped: " << document.account.error() << '\n';
      ++counts.skipped["invalid"];
      return;
    }
    AccountRecord& record = document.account->record;
    if (!document.account->is_active) {
      ++counts.skipped["inactive"];
      return;
    }
    auto access = token_to_store(keys, record.access_token);
    auto refresh = token_to_store(keys, record.refresh_token);
    if (!access || !refresh) {
      err << where << " (user " << record.user_id
          << "): skipped: a token that no configured key opens\n";
      ++counts.skipped["unknown_key"];
      return;
    }
    record.access_token = std::move(*access);
    record.refresh_token = std::move(*refresh);
    const auto outcome = accounts.import(record, audit_context_of_command("import-mongo", where));
    if (!outcome) {
      err << where << " (user " << record.user_id << "): not written: " << outcome.error().message
          << '\n';
      ++counts.skipped["store_error"];
      return;
    }
    switch (*outcome) {
      case ImportOutcome::kInserted:
        ++counts.imported;
        break;
      case ImportOutcome::kUpdated:
        ++counts.updated;
        break;
      case ImportOutcome::kUnchanged:
        ++counts.unchanged;
        break;
    }
  });

  std::int64_t skipped = 0;
  std::string reasons;
  for (const auto& [reason, count] : counts.skipped) {
    skipped += count;
    reasons += (reasons.empty() ? "" : ", ") + reason + " " + std::to_string(count);
  }
  out << "read " << counts.read << ", imported " << counts.imported << ", updated "
      << counts.updated << ", unchanged " << counts.unchanged << ", skipped " << skipped
      << (reasons.empty() ? "" : " (" + reasons + ")") << '\n';
  // A cut-over script must notice anything left behind, except accounts switched off on purpose.
  return skipped > counts.skipped["inactive"] ? 1 : 0;
}

}  // namespace ac
