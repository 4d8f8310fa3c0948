// audible-sandbox: a local stand-in for Audible's authorization server and API.
//   audible-sandbox --port 8001 [--client-id ID] [--client-secret S] [--redirect-uri URI] ...
// It listens on loopback only, unless --allow-remote: its test controls change what it answers.

#include <CLI/CLI.hpp>
#include <iostream>

#include "config/url.h"
#include "http/server.h"
#include "obs/log.h"
#include "sandbox/sandbox_app.h"

int main(int argc, char** argv) {
  CLI::App cli{"audible-sandbox: a local Audible authorization server and API for tests and demos"};
  ac::ServerOptions options;
  options.port = 8001;
  ac::sandbox::ClientConfig client;
  cli.add_option("--host", options.host, "listen address")->capture_default_str();
  cli.add_option("--port", options.port, "listen port (0: any free port)")->capture_default_str();
  cli.add_option("--client-id", client.client_id, "the one registered client")
      ->capture_default_str();
  cli.add_option("--client-secret", client.client_secret, "its secret")->capture_default_str();
  cli.add_option("--redirect-uri", client.redirect_uri, "its registered redirect URI")
      ->capture_default_str();
  cli.add_option("--issuer", client.issuer, "sent as iss on redirects (RFC 9207)");
  cli.add_option("--access-token-ttl", client.access_token_ttl, "seconds")->capture_default_str();
  cli.add_flag("--rotate-refresh-tokens", client.rotate_refresh_tokens,
               "issue a new refresh token on every refresh");
  int library_size = 25;
  cli.add_option("--library-size", library_size, "books in each user's library (0 to 20000)")
      ->check(CLI::Range(0, ac::sandbox::kCatalogSize))
      ->capture_default_str();
  bool allow_remote = false;
  cli.add_flag("--allow-remote", allow_remote,
               "listen on a non-loopback --host (anyone who reaches it can change its answers)");
  CLI11_PARSE(cli, argc, argv);
  if (!allow_remote && !ac::is_loopback_host(options.host)) {
    std::cerr << "audible-sandbox: --host " << options.host
              << " is not a loopback address; add --allow-remote to listen there\n";
    return 2;
  }

  ac::sandbox::AuthorizationServer server(client);
  ac::sandbox::Libraries libraries(library_size);
  ac::sandbox::SandboxApp app(server, libraries);
  options.io_threads = 1;
  ac::HttpServer http(options, app);
  if (auto listening = http.listen(); !listening) {
    std::cerr << "audible-sandbox: " << listening.error() << '\n';
    return 1;
  }
  ac::log::info("audible-sandbox listening", {{"host", options.host}, {"port", http.port()}});
  http.run();
  return 0;
}
