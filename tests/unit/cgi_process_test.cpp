#include "modules/cgi/cgi_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

namespace tern {
namespace {

namespace fs = std::filesystem;

// Reads `fd` until EOF (poll, bounded by seconds).
std::string read_all(int fd, int timeout_ms = 20000) {
  std::string out;
  auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < until) {
    pollfd p{fd, POLLIN, 0};
    ::poll(&p, 1, 100);
    char buf[4096];
    ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n == 0) return out;
    if (n > 0) out.append(buf, static_cast<size_t>(n));
  }
  return out + "<timeout>";
}

bool alive(pid_t pid) {
  return ::kill(pid, 0) == 0;
}

class CgiProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "tern_cgiproc_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string script(const std::string& name, const std::string& body) {
    std::string path = dir_ + "/" + name;
    std::ofstream(path) << "#!/bin/sh\n" << body;
    ::chmod(path.c_str(), 0755);
    return path;
  }
  CgiSpawn spec(const std::string& path) {
    CgiSpawn s;
    s.program = path;
    s.dir = dir_;
    s.argv = {fs::path(path).filename().string()};
    s.env = {"FOO=bar", "PATH=/usr/bin:/bin"};
    return s;
  }
  std::string dir_;
};

TEST_F(CgiProcessTest, PipesEnvDirectoryAndSignalsAsConfigured) {
  // Prints its env var, cwd, open fds beyond 2, and SIGPIPE disposition; echoes stdin.
  std::string p = script("s.sh",
                         "echo \"FOO=$FOO\"; pwd; ls /proc/$$/fd | sort -n | tr '\\n' ' '; echo;"
                         " grep SigIgn /proc/$$/status; cat\n");
  ::signal(SIGPIPE, SIG_IGN);  // as the server does: the script must get the default
  // A descriptor without close-on-exec that the script must not inherit.
  UniqueFd leak(::fcntl(0, F_DUPFD, 40));
  ASSERT_TRUE(leak);
  int err = 0;
  auto proc = CgiProcess::spawn(spec(p), &err);
  ASSERT_TRUE(proc) << err;
  ASSERT_EQ(::write(proc->in().get(), "input\n", 6), 6);
  proc->in().reset();
  std::string out = read_all(proc->out().get());
  EXPECT_NE(out.find("FOO=bar\n" + fs::canonical(dir_).string() + "\n"), std::string::npos) << out;
  // 0, 1, 2 and the shell's own descriptor for the script file; not the leaked one.
  EXPECT_NE(out.find("\n0 1 2 "), std::string::npos) << out;
  EXPECT_EQ(out.find(" " + std::to_string(leak.get()) + " "), std::string::npos) << out;
  size_t ign = out.find("SigIgn:\t");
  ASSERT_NE(ign, std::string::npos);
  unsigned long long mask = std::stoull(out.substr(ign + 8, 16), nullptr, 16);
  EXPECT_EQ(mask & (1ull << (SIGPIPE - 1)), 0u) << out;  // SIGPIPE back to default
  EXPECT_NE(out.find("input\n"), std::string::npos);
  EXPECT_EQ(::getpgid(proc->pid()), proc->pid());
  pid_t pid = proc->pid();
  proc->end(ProcessReaper::End::kFinished);
  ASSERT_TRUE(ProcessReaper::instance().wait_idle(20000));
  EXPECT_FALSE(alive(pid));  // reaped: not even a zombie
}

TEST_F(CgiProcessTest, ExecFailureIsReported) {
  std::string p = dir_ + "/noexec";
  std::ofstream(p) << "#!/bin/sh\necho hi\n";
  int err = 0;
  EXPECT_FALSE(CgiProcess::spawn(spec(p), &err));
  EXPECT_EQ(err, EACCES);
  EXPECT_FALSE(CgiProcess::spawn(spec(dir_ + "/missing"), &err));
  EXPECT_EQ(err, ENOENT);
}

TEST_F(CgiProcessTest, AbortKillsTheWholeGroupEvenWhenTermIsIgnored) {
  std::string pidfile = dir_ + "/child.pid";
  std::string p = script("s.sh", "trap '' TERM; sleep 300 & echo $! > " + pidfile +
                                     "; echo started; while :; do sleep 1; done\n");
  int err = 0;
  auto proc = CgiProcess::spawn(spec(p), &err);
  ASSERT_TRUE(proc);
  char buf[16];
  pollfd pf{proc->out().get(), POLLIN, 0};
  ASSERT_EQ(::poll(&pf, 1, 20000), 1);
  ASSERT_GT(::read(proc->out().get(), buf, sizeof(buf)), 0);
  pid_t leader = proc->pid();
  pid_t child = 0;
  std::ifstream(pidfile) >> child;
  ASSERT_GT(child, 0);
  auto start = std::chrono::steady_clock::now();
  proc->end(ProcessReaper::End::kAbort);
  ASSERT_TRUE(ProcessReaper::instance().wait_idle(20000));
  // The leader ignores TERM: only the SIGKILL after the grace period ends it.
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(2500));
  EXPECT_FALSE(alive(leader));
  // sleep was TERMed at once; it may linger a moment as init's zombie.
  for (int i = 0; i < 200 && alive(child); ++i) {
    std::ifstream st("/proc/" + std::to_string(child) + "/stat");
    std::string s;
    std::getline(st, s);
    if (s.find(") Z") != std::string::npos || s.empty()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::ifstream st("/proc/" + std::to_string(child) + "/stat");
  std::string s;
  std::getline(st, s);
  EXPECT_TRUE(s.empty() || s.find(") Z") != std::string::npos) << s;
}

TEST_F(CgiProcessTest, FinishedScriptStillRunningIsTerminated) {
  std::string p = script("s.sh", "exec >&-; exec sleep 300\n");
  int err = 0;
  auto proc = CgiProcess::spawn(spec(p), &err);
  ASSERT_TRUE(proc);
  EXPECT_EQ(read_all(proc->out().get()), "");
  pid_t pid = proc->pid();
  proc.reset();  // the destructor ends it as finished
  ASSERT_TRUE(ProcessReaper::instance().wait_idle(20000));
  EXPECT_FALSE(alive(pid));
}

}  // namespace
}  // namespace tern
