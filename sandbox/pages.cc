#include "sandbox/pages.h"

#include <nlohmann/json.hpp>

#include "util/text.h"

namespace ac::sandbox {
namespace {

constexpr std::string_view kStyle =
    "<style>body{font-family:sans-serif;max-width:40em;margin:3em auto;line-height:1.5}"
    "button{font-size:1em;padding:.4em 1.2em;margin-right:1em}pre{background:#eee;padding:1em;"
    "white-space:pre-wrap;word-break:break-all}</style>";

std::string hidden(std::string_view name, std::string_view value) {
  return "<input type=\"hidden\" name=\"" + std::string(name) + "\" value=\"" + html_escape(value) +
         "\">";
}

}  // namespace

std::string approval_page(const AuthorizeRequest& r, std::string_view csrf_token) {
  return "<!doctype html><html><head><meta charset=\"utf-8\"><title>audible-sandbox: sign "
         "in</title>" +
         std::string(kStyle) + "</head><body><h1>audible-sandbox</h1><p>The application <b>" +
         html_escape(r.client_id) + "</b> asks to read your Audible <b>" + html_escape(r.scope) +
         "</b>.</p><form method=\"post\" action=\"/authorize\">" +
         hidden("client_id", r.client_id) + hidden("redirect_uri", r.redirect_uri) +
         hidden("response_type", r.response_type) + hidden("state", r.state) +
         hidden("scope", r.scope) + hidden("code_challenge", r.code_challenge) +
         hidden("code_challenge_method", r.code_challenge_method) +
         hidden("csrf_token", csrf_token) +
         "<p><label>Audible account: <input name=\"user\" value=\"sandbox-listener-1\"></label></p>"
         "<button name=\"decision\" value=\"approve\">Approve</button>"
         "<button name=\"decision\" value=\"deny\">Deny</button></form></body></html>";
}

std::string error_page(const std::string& error, const std::string& description) {
  return "<!doctype html><html><head><meta charset=\"utf-8\"><title>audible-sandbox: "
         "error</title>" +
         std::string(kStyle) + "</head><body><h1>Authorization error</h1><p><b>" +
         html_escape(error) + "</b>: " + html_escape(description) + "</p></body></html>";
}

std::string demo_callback_page(const std::string& code, const std::string& state,
                               const std::string& iss, const std::string& error) {
  nlohmann::json body = {{"state", state}};
  if (!error.empty()) {
    body["error"] = error;
  } else {
    body["code"] = code;
  }
  if (!iss.empty()) body["iss"] = iss;
  return "<!doctype html><html><head><meta charset=\"utf-8\"><title>audible-sandbox: back at "
         "the app</title>" +
         std::string(kStyle) +
         "</head><body><h1>Back at the application</h1><p>The provider sent the browser here. "
         "The platform's front end would now finish the link with:</p><pre>curl -s -X POST "
         "\"$API/oauth/callback\" \\\n  -H \"Authorization: Bearer $TOKEN\" "
         "-H 'Content-Type: application/json' \\\n  -d '" +
         html_escape(body.dump()) + "'</pre></body></html>";
}

}  // namespace ac::sandbox
