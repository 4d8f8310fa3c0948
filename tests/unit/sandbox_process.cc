#include "sandbox_process.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <regex>
#include <thread>

#include "http/query.h"

extern char** environ;

namespace ac::testing {
namespace {

// The port from the sandbox's "audible-sandbox listening" log line, once it is written.
std::optional<int> listening_port(const std::filesystem::path& log) {
  std::ifstream in(log);
  for (std::string line; std::getline(in, line);) {
    const auto entry = nlohmann::json::parse(line, nullptr, false);
    if (entry.is_object() && entry.value("message", "") == "audible-sandbox listening" &&
        entry.contains("port")) {
      return entry["port"].get<int>();
    }
  }
  return std::nullopt;
}

}  // namespace

SandboxProcess::SandboxProcess(std::vector<std::string> extra_arguments) {
  std::string pattern = (std::filesystem::temp_directory_path() / "ac-sandbox.XXXXXX").string();
  dir_ = ::mkdtemp(pattern.data());
  const auto log = dir_ / "sandbox.log";

  std::vector<std::string> arguments{AC_TEST_SANDBOX_BIN, "--port", "0", "--redirect-uri",
                                     kRedirectUri};
  arguments.insert(arguments.end(), extra_arguments.begin(), extra_arguments.end());
  std::vector<char*> argv;
  for (auto& argument : arguments) argv.push_back(argument.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  const int spawned = ::posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) {
    pid_ = -1;
    ADD_FAILURE() << "cannot start " << AC_TEST_SANDBOX_BIN;
    return;
  }

  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  std::optional<int> port;
  while (!(port = listening_port(log)) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (!port) {
    ADD_FAILURE() << "audible-sandbox did not start; its log is " << log;
    return;
  }
  base_url_ = "http://127.0.0.1:" + std::to_string(*port);
  http_ = std::make_unique<HttpClient>(provider_settings().http);
}

SandboxProcess::~SandboxProcess() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

Settings SandboxProcess::provider_settings() const {
  Settings settings;
  settings.client_id = "sandbox-client";
  settings.client_secret = Secret(std::string("sandbox-secret"));
  settings.redirect_uri = kRedirectUri;
  settings.auth_url = base_url_;
  settings.api_base_url = base_url_;
  settings.authorize_url = base_url_ + "/authorize";
  settings.token_url = base_url_ + "/token";
  settings.revoke_url = base_url_ + "/revoke";
  settings.http.timeout_seconds = 5;
  settings.http.connect_timeout_seconds = 2;
  return settings;
}

void SandboxProcess::add_fault(const nlohmann::json& spec) { control("/_sandbox/faults", spec); }

void SandboxProcess::configure(const nlohmann::json& spec) { control("/_sandbox/config", spec); }

void SandboxProcess::control(const std::string& path, const nlohmann::json& spec) {
  const auto answer = http_->send({"POST", base_url_ + path, {}, spec.dump()});
  ASSERT_TRUE(answer && answer->status == 200) << (answer ? answer->body : answer.error().message);
}

nlohmann::json SandboxProcess::stats(const std::string& user) {
  const auto answer =
      http_->send({"GET", base_url_ + "/_sandbox/stats?user=" + form_encode(user), {}, ""});
  if (!answer || answer->status != 200) {
    ADD_FAILURE() << "no stats from the sandbox";
    return nlohmann::json::object();
  }
  return nlohmann::json::parse(answer->body);
}

void SandboxProcess::wait_for_requests(int count) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (stats().value("requests_started", 0) < count) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "fewer than " << count << " requests";
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

std::string SandboxProcess::approve(const std::string& auth_url, const std::string& audible_user) {
  const auto page = http_->send({"GET", auth_url, {}, ""});
  std::smatch csrf;
  if (!page || page->status != 200 ||
      !std::regex_search(page->body, csrf, std::regex(R"(name="csrf_token" value="([^"]*)\")"))) {
    ADD_FAILURE() << "no consent page at " << auth_url;
    return "";
  }
  const std::string query = auth_url.substr(auth_url.find('?') + 1);
  const std::string form = query + "&decision=approve&user=" + form_encode(audible_user) +
                           "&csrf_token=" + form_encode(csrf[1].str());
  const auto decided = http_->send({"POST",
                                    base_url_ + "/authorize",
                                    {{"Content-Type", "application/x-www-form-urlencoded"}},
                                    form});
  const auto location = decided ? decided->header("location") : std::nullopt;
  if (!location || decided->status != 302) {
    ADD_FAILURE() << "the sandbox did not redirect after approval";
    return "";
  }
  const auto redirect = parse_form(location->substr(location->find('?') + 1));
  return redirect ? form_value(*redirect, "code").value_or("") : "";
}

}  // namespace ac::testing
