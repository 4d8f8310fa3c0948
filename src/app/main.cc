#include <CLI/CLI.hpp>
#include <iostream>

#include "app/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"audible-connect: link Audible accounts for premium users"};
  app.require_subcommand(0, 1);
  auto* serve = app.add_subcommand("serve", "serve the HTTP API (the default)");
  auto* keygen = app.add_subcommand("keygen", "print a new Fernet key");
  auto* check_config = app.add_subcommand(
      "check-config", "print what is configured, no secrets; exit 1 if unusable");
  auto* migrate = app.add_subcommand(
      "migrate", "apply the database's schema migrations and exit (safe on many instances)");
  CLI11_PARSE(app, argc, argv);

  if (*keygen) return ac::run_keygen(std::cout);
  if (*check_config) return ac::run_check_config(ac::process_environment(), std::cout, std::cerr);
  if (*migrate) return ac::run_migrate(ac::process_environment(), std::cout, std::cerr);
  (void)serve;  // serving is also what happens with no command at all
  return ac::run_serve(ac::process_environment(), std::cerr);
}
