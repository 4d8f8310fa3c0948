#include "obs/metrics.h"

#include <cstdio>

#include "obs/log.h"
#include "obs/memory_metrics.h"
#include "obs/process_metrics.h"
#include "obs/version.h"

namespace ac::metrics {
namespace {

std::string format_number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.17g", value);
  return buffer;
}

void render_counter(std::string& out, const char* name, const char* help, const Counter& counter) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += " counter\n";
  out += name;
  out += ' ';
  out += std::to_string(counter.value());
  out += '\n';
}

void header(std::string& out, const char* name, const char* help, const char* type) {
  out += std::string("# HELP ") + name + ' ' + help + "\n# TYPE " + name + ' ' + type + '\n';
}

void render_gauge(std::string& out, const char* name, const char* help, const Gauge& gauge) {
  header(out, name, help, "gauge");
  out += std::string(name) + ' ' + format_number(gauge.value()) + '\n';
}

// One line per labelled counter of the family.
void render_members(std::string& out, const std::string& name, const Family<Counter>& family) {
  family.for_each([&](const std::string& labels, const Counter& counter) {
    out += name + '{' + labels + "} " + std::to_string(counter.value()) + '\n';
  });
}

}  // namespace

Histogram::Histogram(std::vector<double> upper_bounds)
    : bounds_(std::move(upper_bounds)),
      counts_(std::make_unique<std::atomic<std::uint64_t>[]>(bounds_.size() + 1)) {}

void Histogram::observe(double value) {
  std::size_t i = 0;
  while (i < bounds_.size() && value > bounds_[i]) ++i;
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  double sum = sum_.load(std::memory_order_relaxed);
  while (!sum_.compare_exchange_weak(sum, sum + value, std::memory_order_relaxed)) {
  }
}

void Histogram::render(std::string& out, const std::string& name, const std::string& labels) const {
  const std::string prefix = labels.empty() ? "" : labels + ",";
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    cumulative += counts_[i].load(std::memory_order_relaxed);
    const std::string le = i < bounds_.size() ? format_number(bounds_[i]) : "+Inf";
    out += name + "_bucket{" + prefix + "le=\"" + le + "\"} " + std::to_string(cumulative) + '\n';
  }
  const std::string braces = labels.empty() ? "" : "{" + labels + "}";
  out += name + "_sum" + braces + ' ' + format_number(sum_.load(std::memory_order_relaxed)) + '\n';
  out += name + "_count" + braces + ' ' + std::to_string(count_.load(std::memory_order_relaxed)) +
         '\n';
}

std::string Registry::render() const {
  std::string out;
  render_counter(out, "audible_oauth_authorize_requests_total", "OAuth authorize requests.",
                 oauth_authorize_requests_total);
  render_counter(out, "audible_oauth_authorize_errors_total", "OAuth authorize failures.",
                 oauth_authorize_errors_total);
  render_counter(out, "audible_oauth_callback_requests_total", "OAuth callback requests.",
                 oauth_callback_requests_total);
  render_counter(out, "audible_oauth_callback_errors_total", "OAuth callback failures.",
                 oauth_callback_errors_total);
  render_counter(out, "audible_oauth_state_validation_failures_total",
                 "Callbacks whose state was unknown, used, expired or another user's.",
                 oauth_state_validation_failures_total);
  render_counter(out, "audible_token_encryption_errors_total", "Tokens that failed to encrypt.",
                 token_encryption_errors_total);
  render_counter(out, "audible_token_decryption_errors_total",
                 "Stored tokens that failed to decrypt.", token_decryption_errors_total);
  render_counter(out, "audible_token_refresh_failures_total", "Failed token refreshes.",
                 token_refresh_failures_total);
  render_counter(out, "audible_api_library_sync_total", "Library syncs.", api_library_sync_total);
  render_counter(out, "audible_api_search_requests_total", "Catalog searches.",
                 api_search_requests_total);
  render_counter(out, "audible_rate_limit_fallback_total",
                 "Rate-limit decisions made in memory because Redis was unreachable.",
                 rate_limit_fallback_total);
  render_counter(out, "audible_api_throttled_total",
                 "Audible API answers of 429 (each one holds the background sync back).",
                 api_throttled_total);
  render_counter(out, "audible_background_sync_synced_total", "Background library syncs done.",
                 background_sync_synced_total);
  render_counter(out, "audible_background_sync_failed_total",
                 "Background library syncs that failed (tried again the next interval).",
                 background_sync_failed_total);
  render_counter(
      out, "audible_background_sync_deferred_total",
      "Background library syncs the provider throttled (tried again after the back-off).",
      background_sync_deferred_total);
  render_gauge(out, "audible_background_sync_due_accounts",
               "Accounts due for a background sync now, on every instance.",
               background_sync_due_accounts);
  render_gauge(out, "audible_background_sync_lag_seconds",
               "How long the most overdue account has waited past its due time.",
               background_sync_lag_seconds);

  header(out, "audible_connect_userinfo_lookups_total",
         "AUTH_USERINFO_URL lookups by outcome (cache hits and shared calls included).", "counter");
  render_members(out, "audible_connect_userinfo_lookups_total", userinfo_lookups_total);

  header(out, "audible_api_response_time_ms", "Audible API call time in milliseconds.",
         "histogram");
  api_response_time_ms.render(out, "audible_api_response_time_ms", "");

  header(out, "http_requests_total", "HTTP requests by route and status.", "counter");
  render_members(out, "http_requests_total", http_requests_total);
  header(out, "audible_audit_events_total", "Audit events written, by event.", "counter");
  render_members(out, "audible_audit_events_total", audit_events_total);
  header(out, "http_request_duration_seconds", "HTTP request duration by route.", "histogram");
  http_request_duration_seconds.for_each([&](const std::string& labels, const Histogram& h) {
    h.render(out, "http_request_duration_seconds", labels);
  });

  header(out, "audible_connect_log_lines_dropped_total",
         "Log lines lost because stdout could not take them (closed, full or stuck).", "counter");
  out += "audible_connect_log_lines_dropped_total " + std::to_string(log::dropped_lines()) + '\n';
  header(out, "audible_connect_build_info", "This build; the value is always 1.", "gauge");
  out += "audible_connect_build_info{version=\"" + label_value(version()) + "\"} 1\n";
  render_process_metrics(out);
  render_memory_metrics(out);
  return out;
}

Registry& registry() {
  static Registry instance;
  return instance;
}

std::string label_value(std::string_view value) {
  std::string out;
  for (const char c : value) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

}  // namespace ac::metrics
