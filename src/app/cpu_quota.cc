#include "app/cpu_quota.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "util/text.h"

namespace ac {
namespace {

namespace fs = std::filesystem;

// One line of /proc/self/mountinfo: "36 25 0:31 /root /mount/point opts - fstype source super".
struct Mount {
  fs::path root;  // the directory of the hierarchy that appears at the mount point
  fs::path point;
  std::string type;
  std::vector<std::string> options;  // the super options: a v1 hierarchy's controllers
};

// One line of /proc/self/cgroup: "4:cpu,cpuacct:/path" (v1) or "0::/path" (v2).
struct Membership {
  bool unified = false;
  std::vector<std::string> controllers;
  fs::path path;
};

// Reads one level's (one cgroup directory's) limit; nullopt where it has none.
using LevelLimit = std::optional<double> (*)(const fs::path&);

std::vector<std::string> split(std::string_view text, char separator) {
  std::vector<std::string> parts;
  for (std::size_t start = 0;;) {
    const auto end = text.find(separator, start);
    parts.emplace_back(text.substr(start, end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

bool contains(const std::vector<std::string>& list, std::string_view item) {
  return std::ranges::find(list, item) != list.end();
}

// mountinfo writes a space, tab, newline or backslash in a path as \ooo (octal).
std::string unescape_octal(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto digit = [&](std::size_t at) { return text[at] >= '0' && text[at] <= '7'; };
    if (text[i] == '\\' && i + 3 < text.size() && digit(i + 1) && digit(i + 2) && digit(i + 3)) {
      out += static_cast<char>((text[i + 1] - '0') * 64 + (text[i + 2] - '0') * 8 +
                               (text[i + 3] - '0'));
      i += 3;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::vector<std::string> lines_of(const fs::path& file) {
  std::ifstream in(file);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::optional<Mount> parse_mount(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> fields;
  for (std::string field; in >> field;) fields.push_back(field);
  const auto separator = std::find(fields.begin(), fields.end(), "-");
  if (separator - fields.begin() < 6 || fields.end() - separator < 4) return std::nullopt;
  return Mount{.root = unescape_octal(fields[3]),
               .point = unescape_octal(fields[4]),
               .type = separator[1],
               .options = split(separator[3], ',')};
}

std::optional<Membership> parse_membership(std::string_view line) {
  const auto first = line.find(':');
  if (first == std::string_view::npos) return std::nullopt;
  const auto second = line.find(':', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  const auto id = line.substr(0, first);
  const auto controllers = line.substr(first + 1, second - first - 1);
  return Membership{.unified = id == "0" && controllers.empty(),
                    .controllers = split(controllers, ','),
                    .path = fs::path(line.substr(second + 1))};
}

bool climbs(const fs::path& path) { return std::ranges::find(path, "..") != path.end(); }

// Where the process's cgroup is under `root`: the mount point plus its path relative to the mount's
// root (inside a container the mount's root is often the container's own cgroup). Returns the
// mount point and the path from it; nullopt when the cgroup is not inside what is mounted there,
// such as "/../x" from a process outside its cgroup namespace's root.
std::optional<std::pair<fs::path, fs::path>> locate(const fs::path& root, const Mount& mount,
                                                    const fs::path& cgroup) {
  // A mount root that climbs ("/../.." in a cgroup namespace with the host's tree bind-mounted)
  // names nothing under the mount point either.
  if (!cgroup.is_absolute() || !mount.point.is_absolute() || climbs(cgroup) || climbs(mount.root)) {
    return std::nullopt;
  }
  const fs::path below =
      cgroup.lexically_normal().lexically_relative(mount.root.lexically_normal());
  if (below.empty() || climbs(below)) return std::nullopt;
  return std::pair{root / mount.point.relative_path(), below};
}

// The smallest limit from the mount point down to the process's cgroup.
std::optional<double> strictest_limit(const fs::path& top, const fs::path& below,
                                      LevelLimit limit_of) {
  std::optional<double> strictest = limit_of(top);
  fs::path level = top;
  for (const auto& part : below) {
    if (part == ".") continue;
    level /= part;
    const auto limit = limit_of(level);
    if (limit && (!strictest || *limit < *strictest)) strictest = limit;
  }
  return strictest;
}

std::optional<std::int64_t> positive_integer(std::string_view text) {
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size() || value <= 0) return std::nullopt;
  return value;
}

// quota/period CPUs; "max" (v2) and -1 (v1), no limit, are not positive integers.
std::optional<double> cpus(std::string_view quota, std::string_view period) {
  const auto q = positive_integer(quota);
  const auto p = positive_integer(period);
  if (!q || !p) return std::nullopt;
  return static_cast<double>(*q) / static_cast<double>(*p);
}

std::string first_line(const fs::path& file) {
  std::ifstream in(file);
  std::string line;
  std::getline(in, line);
  return trim_whitespace(line);
}

// cgroup v2: cpu.max, "QUOTA PERIOD" or "max PERIOD".
std::optional<double> v2_limit(const fs::path& level) {
  const auto fields = split(first_line(level / "cpu.max"), ' ');
  if (fields.size() != 2) return std::nullopt;
  return cpus(fields[0], fields[1]);
}

// cgroup v1: cpu.cfs_quota_us (-1 for none) over cpu.cfs_period_us.
std::optional<double> v1_limit(const fs::path& level) {
  return cpus(first_line(level / "cpu.cfs_quota_us"), first_line(level / "cpu.cfs_period_us"));
}

}  // namespace

std::optional<double> cgroup_cpu_limit(const fs::path& root) {
  std::vector<Mount> mounts;
  for (const auto& line : lines_of(root / "proc/self/mountinfo")) {
    if (auto mount = parse_mount(line)) mounts.push_back(std::move(*mount));
  }
  for (const auto& line : lines_of(root / "proc/self/cgroup")) {
    const auto member = parse_membership(line);
    if (!member || (!member->unified && !contains(member->controllers, "cpu"))) continue;
    for (const auto& mount : mounts) {
      const bool v1_cpu = mount.type == "cgroup" && contains(mount.options, "cpu");
      if (!(member->unified ? mount.type == "cgroup2" : v1_cpu)) continue;
      const auto place = locate(root, mount, member->path);
      if (!place) continue;
      const auto& [top, below] = *place;
      // On hybrid machines v2 is mounted without the cpu controller, which v1 has.
      if (member->unified && !contains(split(first_line(top / "cgroup.controllers"), ' '), "cpu")) {
        continue;
      }
      // The hierarchy may be mounted more than once; another mount may be the readable one.
      if (auto limit = strictest_limit(top, below, member->unified ? v2_limit : v1_limit)) {
        return limit;
      }
    }
  }
  return std::nullopt;
}

}  // namespace ac
