#include "app/cpu_quota.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "app/io_threads.h"

namespace ac {
namespace {

namespace fs = std::filesystem;

// Mounts as /proc/self/mountinfo shows them; the proc mount is there so that the cgroup ones are
// not the only lines.
constexpr const char* kProcMount =
    "22 28 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw\n";
constexpr const char* kV2Mount =
    "29 22 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 "
    "rw,nsdelegate,memory_recursiveprot\n";
constexpr const char* kV1CpuMount =
    "32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:9 - cgroup "
    "cgroup rw,cpu,cpuacct\n";
constexpr const char* kV1MemoryMount =
    "35 31 0:32 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:12 - cgroup cgroup "
    "rw,memory\n";

// A fake root with /proc/self and /sys/fs/cgroup files, removed after each test.
class CpuQuota : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("ac-cpu-quota-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  void TearDown() override { fs::remove_all(root_); }

  void write(const fs::path& relative, const std::string& text) {
    const fs::path file = root_ / relative;
    fs::create_directories(file.parent_path());
    std::ofstream(file) << text;
  }

  // cgroup v2 at /sys/fs/cgroup with the cpu controller, the process in `cgroup`.
  void unified(const std::string& cgroup) {
    write("proc/self/mountinfo", std::string(kProcMount) + kV2Mount);
    write("proc/self/cgroup", "0::" + cgroup + "\n");
    write("sys/fs/cgroup/cgroup.controllers", "cpuset cpu io memory hugetlb pids rdma misc\n");
  }

  // cgroup v1 with cpu and cpuacct at /sys/fs/cgroup/cpu,cpuacct, the process in `cgroup`.
  void legacy(const std::string& cgroup) {
    write("proc/self/mountinfo", std::string(kProcMount) + kV1MemoryMount + kV1CpuMount);
    write("proc/self/cgroup", "9:memory:" + cgroup + "\n4:cpu,cpuacct:" + cgroup + "\n");
  }

  // systemd's hybrid layout: v2 at /sys/fs/cgroup/unified with `v2_controllers` beside a v1
  // hierarchy, the process in /user.slice of both (`v1_line` of /proc/self/cgroup).
  void hybrid(const std::string& v2_controllers, const char* v1_mount, const std::string& v1_line) {
    write("proc/self/mountinfo",
          std::string(kProcMount) +
              "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n" + v1_mount);
    write("proc/self/cgroup", "0::/user.slice\n" + v1_line + "\n");
    write("sys/fs/cgroup/unified/cgroup.controllers", v2_controllers + "\n");
  }

  void v1_limit(const std::string& directory, const std::string& quota,
                const std::string& period = "100000") {
    write(fs::path("sys/fs/cgroup/cpu,cpuacct") / directory / "cpu.cfs_quota_us", quota + "\n");
    write(fs::path("sys/fs/cgroup/cpu,cpuacct") / directory / "cpu.cfs_period_us", period + "\n");
  }

  std::optional<double> limit() const { return cgroup_cpu_limit(root_); }

  fs::path root_;
};

TEST_F(CpuQuota, V2QuotaOfOneAndAHalfCpusGivesTwoThreads) {
  unified("/kubepods.slice/pod1/app");
  write("sys/fs/cgroup/kubepods.slice/cpu.max", "max 100000\n");
  write("sys/fs/cgroup/kubepods.slice/pod1/cpu.max", "max 100000\n");
  write("sys/fs/cgroup/kubepods.slice/pod1/app/cpu.max", "150000 100000\n");
  ASSERT_EQ(limit(), 1.5);
  EXPECT_EQ(io_thread_count(32, limit()), 2);
}

TEST_F(CpuQuota, V2MaxIsNoLimit) {
  unified("/system.slice/audible-connect.service");
  write("sys/fs/cgroup/system.slice/cpu.max", "max 100000\n");
  write("sys/fs/cgroup/system.slice/audible-connect.service/cpu.max", "max 100000\n");
  EXPECT_EQ(limit(), std::nullopt);
  EXPECT_EQ(io_thread_count(32, limit()), 32);
}

TEST_F(CpuQuota, AParentStricterThanTheChildBinds) {
  unified("/kubepods.slice/pod1/app");
  write("sys/fs/cgroup/kubepods.slice/pod1/cpu.max", "100000 100000\n");
  write("sys/fs/cgroup/kubepods.slice/pod1/app/cpu.max", "300000 100000\n");
  EXPECT_EQ(limit(), 1.0);
}

TEST_F(CpuQuota, AChildStricterThanTheParentBinds) {
  unified("/kubepods.slice/pod1/app");
  write("sys/fs/cgroup/kubepods.slice/pod1/cpu.max", "300000 100000\n");
  write("sys/fs/cgroup/kubepods.slice/pod1/app/cpu.max", "100000 50000\n");  // its own period
  EXPECT_EQ(limit(), 2.0);
}

TEST_F(CpuQuota, V1QuotaMinusOneIsNoLimit) {
  legacy("/docker/abc");
  v1_limit("", "-1");
  v1_limit("docker", "-1");
  v1_limit("docker/abc", "-1");
  EXPECT_EQ(limit(), std::nullopt);
  EXPECT_EQ(io_thread_count(8, limit()), 8);
}

TEST_F(CpuQuota, V1HalfACpuGivesOneThread) {
  legacy("/docker/abc");
  v1_limit("", "-1");
  v1_limit("docker/abc", "50000", "100000");
  ASSERT_EQ(limit(), 0.5);
  EXPECT_EQ(io_thread_count(8, limit()), 1);
}

TEST_F(CpuQuota, V1ParentStricterThanTheChildBinds) {
  legacy("/docker/abc");
  v1_limit("docker", "100000");
  v1_limit("docker/abc", "400000");
  EXPECT_EQ(limit(), 1.0);
}

// systemd's hybrid layout without cpu in v2. The v2 cpu.max here is a trap: the v2 hierarchy has
// no cpu controller, so it must not be read.
TEST_F(CpuQuota, HybridUsesTheHierarchyWithTheCpuController) {
  hybrid("", kV1CpuMount, "4:cpu,cpuacct:/user.slice");
  write("sys/fs/cgroup/unified/user.slice/cpu.max", "100000 100000\n");
  v1_limit("user.slice", "200000");
  EXPECT_EQ(limit(), 2.0);
}

// The same machine, with cpu moved to v2: v2 is read.
TEST_F(CpuQuota, HybridWithCpuInV2ReadsV2) {
  hybrid("cpu memory", kV1MemoryMount, "9:memory:/user.slice");
  write("sys/fs/cgroup/unified/user.slice/cpu.max", "100000 100000\n");
  EXPECT_EQ(limit(), 1.0);
}

// Docker on v1 without a cgroup namespace: the mount's root is the container's own cgroup, which
// is what appears at the mount point, and /proc/self/cgroup names it from the host's root. The
// stricter docker/abc below the mount point is a child cgroup the process is not in.
TEST_F(CpuQuota, AContainerMountRootIsTheMountPoint) {
  write("proc/self/mountinfo",
        std::string(kProcMount) +
            "1380 1371 0:29 /docker/abc /sys/fs/cgroup/cpu,cpuacct ro,nosuid,nodev,noexec,relatime "
            "master:9 - cgroup cgroup rw,cpu,cpuacct\n");
  write("proc/self/cgroup", "4:cpu,cpuacct:/docker/abc\n");
  v1_limit("", "150000");
  v1_limit("docker/abc", "50000");
  EXPECT_EQ(limit(), 1.5);
}

// A cgroup namespace (Docker and Kubernetes on v2): the process is at "/" of its own view.
TEST_F(CpuQuota, ACgroupNamespaceRootIsTheMountPoint) {
  unified("/");
  write("sys/fs/cgroup/cpu.max", "200000 100000\n");
  EXPECT_EQ(limit(), 2.0);
}

// A mount point with a space, which mountinfo writes as \040.
TEST_F(CpuQuota, EscapedMountPointsAreRead) {
  write("proc/self/mountinfo", "29 22 0:26 / /sys/fs/my\\040cgroup rw - cgroup2 cgroup2 rw\n");
  write("proc/self/cgroup", "0::/app\n");
  write("sys/fs/my cgroup/cgroup.controllers", "cpu\n");
  write("sys/fs/my cgroup/app/cpu.max", "100000 100000\n");
  EXPECT_EQ(limit(), 1.0);
}

TEST_F(CpuQuota, AffinityWinsOverAHigherLimit) {
  unified("/app");
  write("sys/fs/cgroup/app/cpu.max", "800000 100000\n");
  ASSERT_EQ(limit(), 8.0);
  EXPECT_EQ(io_thread_count(2, limit()), 2);
  EXPECT_EQ(io_thread_count(2, 1e300), 2);
}

TEST(IoThreadCount, ThreadsAreTheLimitRoundedUpAndAtLeastOne) {
  EXPECT_EQ(io_thread_count(8, 1.0), 1);
  EXPECT_EQ(io_thread_count(8, 2.0), 2);
  EXPECT_EQ(io_thread_count(8, 2.01), 3);
  EXPECT_EQ(io_thread_count(8, 0.01), 1);
  EXPECT_EQ(io_thread_count(0, std::nullopt), 1);
}

TEST_F(CpuQuota, NothingToReadIsNoLimit) { EXPECT_EQ(limit(), std::nullopt); }

TEST_F(CpuQuota, MalformedV2FilesAreNoLimit) {
  unified("/app");
  for (const char* text :
       {"", "150000", "150000 100000 7", "1.5e5 100000", "150000 0", "0 100000", "-150000 100000",
        "150000 100000x", "max max", "99999999999999999999 100000"}) {
    write("sys/fs/cgroup/app/cpu.max", std::string(text) + "\n");
    EXPECT_EQ(limit(), std::nullopt) << '"' << text << '"';
  }
}

TEST_F(CpuQuota, MalformedV1FilesAreNoLimit) {
  legacy("/app");
  for (const auto& [quota, period] : {std::pair{"150000", ""}, std::pair{"abc", "100000"},
                                      std::pair{"150000", "0"}, std::pair{"150000", "-100000"}}) {
    v1_limit("app", quota, period);
    EXPECT_EQ(limit(), std::nullopt) << quota << '/' << period;
  }
  fs::remove(root_ / "sys/fs/cgroup/cpu,cpuacct/app/cpu.cfs_period_us");
  v1_limit("", "100000");
  fs::remove(root_ / "sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us");
  EXPECT_EQ(limit(), std::nullopt);
}

TEST_F(CpuQuota, AMalformedLevelLeavesTheOthers) {
  unified("/kubepods.slice/pod1/app");
  write("sys/fs/cgroup/kubepods.slice/pod1/cpu.max", "100000 100000\n");
  write("sys/fs/cgroup/kubepods.slice/pod1/app/cpu.max", "garbage\n");
  EXPECT_EQ(limit(), 1.0);
}

TEST_F(CpuQuota, MalformedProcFilesAreNoLimit) {
  write("sys/fs/cgroup/cgroup.controllers", "cpu\n");
  write("sys/fs/cgroup/cpu.max", "100000 100000\n");
  write("sys/fs/cgroup/app/cpu.max", "100000 100000\n");
  const std::string good_mount = std::string(kProcMount) + kV2Mount;
  // mountinfo lines cut short, without the separator, or of another file system.
  for (const char* mountinfo :
       {"29 22 0:26 / /sys/fs/cgroup rw - cgroup2\n", "29 22 0:26 / /sys/fs/cgroup rw cgroup2\n",
        "29 22 0:26 /\n", "29 22 0:26 / /sys/fs/cgroup rw - tmpfs tmpfs rw\n",
        "29 22 0:26 / sys/fs/cgroup rw - cgroup2 cgroup2 rw\n"}) {
    write("proc/self/mountinfo", mountinfo);
    write("proc/self/cgroup", "0::/app\n");
    EXPECT_EQ(limit(), std::nullopt) << mountinfo;
  }
  // cgroup lines without a path, with a relative one, or one outside the mount's root (a
  // process moved out of its cgroup namespace sees "/../").
  write("proc/self/mountinfo", good_mount);
  for (const char* cgroup : {"0:/app\n", "0::app\n", "0::/../app\n", "garbage\n", "\n"}) {
    write("proc/self/cgroup", cgroup);
    EXPECT_EQ(limit(), std::nullopt) << cgroup;
  }
  write("proc/self/mountinfo", "29 22 0:26 /kubepods /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n");
  write("proc/self/cgroup", "0::/other/app\n");
  EXPECT_EQ(limit(), std::nullopt);
  // A mount root above the namespace's own root: not taken as "/", whose app/cpu.max is above.
  write("proc/self/mountinfo", "29 22 0:26 /../.. /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n");
  write("proc/self/cgroup", "0::/app\n");
  EXPECT_EQ(limit(), std::nullopt);
}

// The same v1 hierarchy mounted twice, the first mount's files unreadable: the second is read.
TEST_F(CpuQuota, ASecondMountOfTheHierarchyIsRead) {
  write("proc/self/mountinfo", std::string(kProcMount) +
                                   "40 30 0:35 / /mnt/hidden rw - cgroup cgroup rw,cpu,cpuacct\n" +
                                   kV1CpuMount);
  write("proc/self/cgroup", "4:cpu,cpuacct:/app\n");
  v1_limit("app", "300000");
  EXPECT_EQ(limit(), 3.0);
}

}  // namespace
}  // namespace ac
