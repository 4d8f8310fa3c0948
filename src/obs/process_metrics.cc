#include "obs/process_metrics.h"

#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <vector>

namespace ac::metrics {
namespace {

void gauge(std::string& out, const char* name, const char* help, const char* type, double value) {
  char number[32];
  std::snprintf(number, sizeof number, "%.17g", value);
  out += std::string("# HELP ") + name + ' ' + help + "\n# TYPE " + name + ' ' + type + '\n' +
         name + ' ' + number + '\n';
}

// /proc/self/stat's fields after the command name (which may hold spaces and parentheses):
// [0] is field 3 (state), so field N is at N - 3.
std::optional<std::vector<std::string>> stat_fields() {
  std::ifstream in("/proc/self/stat");
  std::string line;
  if (!std::getline(in, line)) return std::nullopt;
  const auto close = line.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream rest(line.substr(close + 2));
  std::vector<std::string> fields;
  for (std::string field; rest >> field;) fields.push_back(field);
  if (fields.size() < 22) return std::nullopt;
  return fields;
}

// Seconds since the epoch at which the machine booted (/proc/stat's btime).
std::optional<double> boot_time() {
  std::ifstream in("/proc/stat");
  for (std::string key; in >> key;) {
    if (key == "btime") {
      double value = 0;
      if (in >> value) return value;
      return std::nullopt;
    }
    in.ignore(1 << 20, '\n');
  }
  return std::nullopt;
}

}  // namespace

void render_process_metrics(std::string& out) {
  if (const auto fields = stat_fields()) {
    const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
    const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
    const double cpu =
        (std::stod((*fields)[11]) + std::stod((*fields)[12])) / ticks;  // utime+stime
    gauge(out, "process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
          "counter", cpu);
    gauge(out, "process_virtual_memory_bytes", "Virtual memory size in bytes.", "gauge",
          std::stod((*fields)[20]));
    gauge(out, "process_resident_memory_bytes", "Resident memory size in bytes.", "gauge",
          std::stod((*fields)[21]) * page);
    if (const auto booted = boot_time()) {
      gauge(out, "process_start_time_seconds",
            "Start time of the process since unix epoch in seconds.", "gauge",
            *booted + std::stod((*fields)[19]) / ticks);
    }
  }
  std::error_code ec;
  double open_fds = 0;
  for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end;
       it.increment(ec)) {
    ++open_fds;
  }
  if (!ec) gauge(out, "process_open_fds", "Number of open file descriptors.", "gauge", open_fds);
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) {
    gauge(out, "process_max_fds", "Maximum number of open file descriptors.", "gauge",
          static_cast<double>(limit.rlim_cur));
  }
}

}  // namespace ac::metrics
