#include <map>
#include <ostream>

#include "app/commands.h"
#include "app/store_command.h"
#include "crypto/token_cipher.h"

namespace ac {
namespace {

// What one stored token needs: nothing (empty, or under the first key), a reseal (an older key,
// or plaintext), or nothing possible (no configured key opens it).
enum class TokenState { kEmpty, kCurrent, kStale, kPlaintext, kUnopenable };

struct Inspected {
  TokenState state = TokenState::kCurrent;
  std::size_t key_index = 0;  // for kCurrent and kStale
};

Inspected inspect(const MultiFernet& keys, const std::string& stored) {
  if (stored.empty()) return {TokenState::kEmpty, 0};
  if (!TokenCipher::looks_like_fernet(stored)) return {TokenState::kPlaintext, 0};
  const auto opened = keys.decrypt_with_key_index(stored);
  if (!opened) return {TokenState::kUnopenable, 0};
  return {opened->key_index == 0 ? TokenState::kCurrent : TokenState::kStale, opened->key_index};
}

// The token under the first key: rotate() keeps a Fernet token's timestamp, as Python's
// MultiFernet.rotate does; plaintext is encrypted.
std::optional<std::string> resealed(const MultiFernet& keys, const std::string& stored,
                                    TokenState state) {
  if (state == TokenState::kEmpty || state == TokenState::kCurrent) return stored;
  auto sealed = state == TokenState::kPlaintext ? keys.encrypt(stored) : keys.rotate(stored);
  if (!sealed) return std::nullopt;
  return *sealed;
}

struct Tally {
  std::int64_t scanned = 0;
  std::int64_t reencrypted = 0;
  std::int64_t current = 0;
  std::int64_t failed = 0;
  std::map<std::string, std::int64_t> tokens_by_key;  // for --dry-run
};

std::string key_label(std::size_t key_index) {
  return "key " + std::to_string(key_index + 1) + (key_index == 0 ? " (first)" : "");
}

std::string label(const Inspected& token) {
  switch (token.state) {
    case TokenState::kPlaintext:
      return "plaintext";
    case TokenState::kUnopenable:
      return "no configured key";
    default:
      return key_label(token.key_index);
  }
}

bool current(const Inspected& token) {
  return token.state == TokenState::kEmpty || token.state == TokenState::kCurrent;
}

// Decides for one account: counts it, and returns the reseal to write, if any.
std::optional<TokenReseal> plan(const MultiFernet& keys, const AccountRecord& account, bool dry_run,
                                Tally& tally, std::ostream& err) {
  const Inspected access = inspect(keys, account.access_token);
  const Inspected refresh = inspect(keys, account.refresh_token);
  for (const auto* token : {&access, &refresh}) {
    if (token->state != TokenState::kEmpty) ++tally.tokens_by_key[label(*token)];
  }
  if (access.state == TokenState::kUnopenable || refresh.state == TokenState::kUnopenable) {
    err << "user " << account.user_id << ": a token that no configured key opens; left as it is\n";
    ++tally.failed;
    return std::nullopt;
  }
  if (current(access) && current(refresh)) {
    ++tally.current;
    return std::nullopt;
  }
  if (dry_run) {
    ++tally.reencrypted;
    return std::nullopt;
  }
  auto new_access = resealed(keys, account.access_token, access.state);
  auto new_refresh = resealed(keys, account.refresh_token, refresh.state);
  if (!new_access || !new_refresh) {
    err << "user " << account.user_id << ": encryption failed\n";
    ++tally.failed;
    return std::nullopt;
  }
  return TokenReseal{account.user_id, account.token_version, std::move(*new_access),
                     std::move(*new_refresh)};
}

}  // namespace

int run_rotate_keys(const EnvLookup& env, bool dry_run, int batch_size, std::ostream& out,
                    std::ostream& err) {
  const auto opened = open_store_command(env, err, /*needs_keys=*/true);
  if (!opened) return 1;
  const MultiFernet& keys = *opened->settings.token_keys;
  AccountStore& accounts = *opened->stores.accounts;

  // Every batch is one transaction, so a run that is killed leaves whole batches behind, and the
  // next run finds those accounts current and goes on with the rest.
  Tally tally;
  for (std::size_t i = 0; i < keys.key_count(); ++i) tally.tokens_by_key[key_label(i)] = 0;
  tally.tokens_by_key["no configured key"] = 0;
  std::string after;
  while (true) {
    auto batch = accounts.scan(after, batch_size);
    if (!batch) {
      err << "audible-connect: rotate-keys: " << batch.error().message << '\n';
      return 1;
    }
    std::vector<TokenReseal> reseals;
    for (const auto& account : *batch) {
      ++tally.scanned;
      if (auto reseal = plan(keys, account, dry_run, tally, err)) reseals.push_back(*reseal);
    }
    if (!reseals.empty()) {
      auto written =
          accounts.reseal(reseals, audit_context_of_command("rotate-keys", "under the first key"));
      if (!written) {
        err << "audible-connect: rotate-keys: " << written.error().message << '\n';
        return 1;
      }
      for (std::size_t i = 0; i < reseals.size(); ++i) {
        // Not written: a refresh (which writes under the first key) or a reconnect won the race,
        // or the account went; either way nothing is left under an old key by this account.
        if ((*written)[i]) {
          ++tally.reencrypted;
        } else {
          ++tally.current;
        }
      }
    }
    if (static_cast<int>(batch->size()) < batch_size) break;
    after = batch->back().user_id;
    // Progress for a long table; each line means the batches so far are committed.
    if (!dry_run) out << "progress: scanned " << tally.scanned << ", up to " << after << std::endl;
  }

  if (dry_run) {
    out << "dry run: nothing written\n";
    for (const auto& [label, count] : tally.tokens_by_key) {
      out << "tokens under " << label << ": " << count << '\n';
    }
  }
  out << "accounts scanned " << tally.scanned << ", re-encrypted " << tally.reencrypted
      << (dry_run ? " (would be)" : "") << ", already current " << tally.current << ", failed "
      << tally.failed << '\n';
  return tally.failed > 0 ? 1 : 0;
}

}  // namespace ac
