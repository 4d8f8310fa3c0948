// The mongoexport reader (src/import/mongo_export): any bytes, as lines or as one --jsonArray
// dump. Documents come in increasing positions; an account always has a user id and an access
// token, dates within 1970..9999 and a sync status; an error is one of the reader's own short
// messages, so nothing of the dump (a token) is ever echoed in it.

#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>

#include "import/mongo_export.h"

namespace {

constexpr std::int64_t kLatestSeconds = 253'402'300'799;  // 9999-12-31T23:59:59Z

bool valid_date(const std::optional<std::int64_t>& seconds) {
  return !seconds || (*seconds >= 0 && *seconds <= kLatestSeconds);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  std::int64_t last = 0;
  ac::read_mongo_export(in, [&](ac::MongoDocument document) {
    if (document.position <= last) std::abort();
    last = document.position;
    if (!document.account) {
      if (document.account.error().empty() || document.account.error().size() > 40) std::abort();
      return;
    }
    const ac::AccountRecord& r = document.account->record;
    if (r.user_id.empty() || r.access_token.empty() || r.sync_status.empty()) std::abort();
    if (!valid_date(r.expires_at) || !valid_date(r.connected_at) || !valid_date(r.synced_at)) {
      std::abort();
    }
  });
  return 0;
}
