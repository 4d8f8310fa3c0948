#include <CLI/CLI.hpp>
#include <iostream>

#include "app/commands.h"
#include "obs/version.h"

int main(int argc, char** argv) {
  CLI::App app{"audible-connect: link Audible accounts for premium users"};
  app.require_subcommand(0, 1);
  app.set_version_flag("--version", "audible-connect " + std::string(ac::version()));
  auto* serve = app.add_subcommand("serve", "serve the HTTP API (the default)");
  auto* keygen = app.add_subcommand("keygen", "print a new Fernet key");
  auto* check_config = app.add_subcommand(
      "check-config", "print what is configured, no secrets; exit 1 if unusable");
  bool connect = false;
  check_config->add_flag("--connect", connect,
                         "also check that the provider's token endpoint answers");
  auto* migrate = app.add_subcommand(
      "migrate", "apply the database's schema migrations and exit (safe on many instances)");
  auto* rotate_keys = app.add_subcommand(
      "rotate-keys", "re-encrypt every stored token under the first key; resumable");
  bool dry_run = false;
  int batch_size = 100;
  rotate_keys->add_flag("--dry-run", dry_run, "count tokens per key, write nothing");
  rotate_keys->add_option("--batch-size", batch_size, "accounts per transaction")
      ->check(CLI::Range(1, 10000))
      ->capture_default_str();
  auto* import_mongo = app.add_subcommand(
      "import-mongo", "import the Python service's accounts from a mongoexport dump");
  std::string dump;
  import_mongo->add_option("FILE", dump, "mongoexport output of user_audible_accounts")->required();
  auto* audit = app.add_subcommand(
      "audit", "print the audit trail of token operations, newest first (tab-separated)");
  ac::AuditCommandOptions audit_options;
  audit->add_option("--user", audit_options.user, "only this user's events");
  audit->add_option(
      "--since", audit_options.since,
      "only events at or after TIME: RFC 3339 (2026-01-27T10:00:00Z) or unix seconds");
  audit->add_option("--limit", audit_options.limit, "events to print")
      ->check(CLI::Range(1, 10000))
      ->capture_default_str();
  audit
      ->add_option("--before", audit_options.before,
                   "only events older than this event id (the next page, as printed on stderr)")
      ->check(CLI::PositiveNumber);
  audit->add_flag("--json", audit_options.json, "a JSON array, as the admin endpoint answers");
  CLI11_PARSE(app, argc, argv);

  if (*keygen) return ac::run_keygen(std::cout);
  if (*check_config)
    return ac::run_check_config(ac::process_environment(), std::cout, std::cerr, connect);
  if (*migrate) return ac::run_migrate(ac::process_environment(), std::cout, std::cerr);
  if (*rotate_keys) {
    return ac::run_rotate_keys(ac::process_environment(), dry_run, batch_size, std::cout,
                               std::cerr);
  }
  if (*import_mongo) {
    return ac::run_import_mongo(ac::process_environment(), dump, std::cout, std::cerr);
  }
  if (*audit) return ac::run_audit(ac::process_environment(), audit_options, std::cout, std::cerr);
  (void)serve;  // serving is also what happens with no command at all
  return ac::run_serve(ac::process_environment(), std::cerr);
}
