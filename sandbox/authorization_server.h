#pragma once

// The sandbox's OAuth 2.0 authorization server state: codes, grants and tokens, strict the way a
// real server is (RFC 6749, RFC 7636 S256 only, RFC 7009). No HTTP in here.

#include <chrono>
#include <cstdint>
#include <expected>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace ac::sandbox {

struct ClientConfig {
  std::string client_id = "sandbox-client";
  std::string client_secret = "sandbox-secret";
  std::string redirect_uri = "http://127.0.0.1:8001/demo/callback";
  std::string issuer;  // sent as `iss` on redirects when set
  std::int64_t access_token_ttl = 3600;
  bool rotate_refresh_tokens = false;
};

struct AuthorizeRequest {
  std::string client_id;
  std::string redirect_uri;
  std::string response_type;
  std::string state;
  std::string scope;
  std::string code_challenge;
  std::string code_challenge_method;
};

// Why an authorize request fails: before the redirect URI is trusted the error is shown on the
// page; after, it goes back to the client as `error`.
struct AuthorizeProblem {
  bool redirect;
  std::string error;  // RFC 6749 4.1.2.1 code
  std::string description;
};

struct IssuedTokens {
  std::string access_token;
  std::string refresh_token;
  std::int64_t expires_in;
  std::string user_id;
  std::string scope;
};

struct TokenProblem {
  int status;         // 400 or 401
  std::string error;  // invalid_request, invalid_client, invalid_grant, unsupported_grant_type
};

struct Stats {
  int token_requests = 0;
  int codes_exchanged = 0;
  int refreshes = 0;
  int revocations = 0;
  int active_refresh_tokens = 0;
};

class AuthorizationServer {
 public:
  explicit AuthorizationServer(ClientConfig config);

  const ClientConfig& config() const { return config_; }
  void set_access_token_ttl(std::int64_t seconds);

  std::optional<AuthorizeProblem> check(const AuthorizeRequest& request) const;
  // A single-use code for `user_id`, valid for 60 s.
  std::string approve(const AuthorizeRequest& request, const std::string& user_id);

  std::expected<IssuedTokens, TokenProblem> exchange_code(const std::string& client_id,
                                                          const std::string& client_secret,
                                                          const std::string& code,
                                                          const std::string& redirect_uri,
                                                          const std::string& code_verifier);
  std::expected<IssuedTokens, TokenProblem> refresh(const std::string& client_id,
                                                    const std::string& client_secret,
                                                    const std::string& refresh_token);
  // RFC 7009: revokes the token and, for a refresh token, its whole grant.
  std::expected<void, TokenProblem> revoke(const std::string& client_id,
                                           const std::string& client_secret,
                                           const std::string& token);

  // A grant that another client of this server obtained earlier (test-only, POST /_sandbox/grants):
  // the tokens a dump of the Python service holds become valid here, so that an import can be
  // used for real. False when either token is already known.
  bool seed_grant(const std::string& user_id, const std::string& access_token,
                  const std::string& refresh_token, std::int64_t expires_in);

  // The user an access token belongs to, while it is valid.
  std::optional<std::string> user_of_access_token(const std::string& token) const;

  Stats stats(const std::string& user_id) const;

 private:
  using Clock = std::chrono::steady_clock;
  struct Code {
    AuthorizeRequest request;
    std::string user_id;
    Clock::time_point expires_at;
    bool used = false;
    std::string grant_id;  // set once exchanged, so that a replay can revoke what it gave
  };
  struct Grant {
    std::string user_id;
    std::string scope;
    std::string refresh_token;
    bool revoked = false;
  };
  struct AccessToken {
    std::string grant_id;
    Clock::time_point expires_at;
  };

  bool client_ok(const std::string& client_id, const std::string& client_secret) const;
  IssuedTokens issue_access(const std::string& grant_id, Grant& grant);
  void revoke_grant(std::string grant_id);  // by value: callers pass map entries it erases

  ClientConfig config_;
  mutable std::mutex mutex_;
  std::map<std::string, Code> codes_;
  std::map<std::string, Grant> grants_;
  std::map<std::string, std::string> refresh_tokens_;  // token -> grant id
  std::map<std::string, AccessToken> access_tokens_;
  Stats totals_;
};

}  // namespace ac::sandbox
