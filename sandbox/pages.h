#pragma once

#include <string>

#include "sandbox/authorization_server.h"

namespace ac::sandbox {

// The consent page a person sees at GET /authorize; its form carries `csrf_token`.
std::string approval_page(const AuthorizeRequest& request, std::string_view csrf_token);
// What GET /authorize shows when it cannot trust the redirect URI.
std::string error_page(const std::string& error, const std::string& description);
// The demo redirect target: shows the code and state, and the request that finishes the flow.
std::string demo_callback_page(const std::string& code, const std::string& state,
                               const std::string& iss, const std::string& error);

}  // namespace ac::sandbox
