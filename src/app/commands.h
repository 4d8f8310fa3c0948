#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>

#include "config/env.h"

namespace ac {

// Each returns the process exit code.
int run_keygen(std::ostream& out);
// `connect`: also ask the provider's token endpoint whether it answers.
int run_check_config(const EnvLookup& env, std::ostream& out, std::ostream& err,
                     bool connect = false);
int run_serve(const EnvLookup& env, std::ostream& err);
int run_migrate(const EnvLookup& env, std::ostream& out, std::ostream& err);
int run_import_mongo(const EnvLookup& env, const std::string& file, std::ostream& out,
                     std::ostream& err);
int run_rotate_keys(const EnvLookup& env, bool dry_run, int batch_size, std::ostream& out,
                    std::ostream& err);

struct AuditCommandOptions {
  std::string user;   // empty: every user
  std::string since;  // RFC 3339 or unix seconds; empty: from the oldest kept
  int limit = 50;
  std::int64_t before = 0;  // an event id: only older events (paging); 0: from the newest
  bool json = false;
};
// Prints the audit trail, newest first: tab-separated with a header line, or a JSON array.
int run_audit(const EnvLookup& env, const AuditCommandOptions& options, std::ostream& out,
              std::ostream& err);

}  // namespace ac
