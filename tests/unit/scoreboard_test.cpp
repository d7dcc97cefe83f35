#include "server/scoreboard.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

namespace tern {
namespace {

TEST(Scoreboard, SharedAcrossFork) {
  std::string err;
  auto sb = Scoreboard::create(4, 8, "", &err);
  ASSERT_TRUE(sb) << err;
  EXPECT_EQ(sb->worker(3, 7).status.load(), '.');
  pid_t pid = fork();
  if (pid == 0) {
    sb->process(2).pid = getpid();
    sb->worker(2, 5).accesses = 42;
    sb->worker(2, 5).set_request("127.0.0.1", "HTTP/1.1", "host", "GET / HTTP/1.1", "GET");
    _exit(0);
  }
  int st;
  waitpid(pid, &st, 0);
  EXPECT_EQ(sb->process(2).pid.load(), pid);
  EXPECT_EQ(sb->worker(2, 5).accesses.load(), 42u);
  std::string c, p, v, r, m;
  ASSERT_TRUE(sb->worker(2, 5).read_request(c, p, v, r, m));
  EXPECT_EQ(r, "GET / HTTP/1.1");
  EXPECT_EQ(c, "127.0.0.1");
  sb->reset_process(2);
  EXPECT_EQ(sb->process(2).pid.load(), 0);
  EXPECT_EQ(sb->worker(2, 5).accesses.load(), 0u);
}

TEST(Scoreboard, ScoreBoardFileHoldsTheMapping) {
  char dir[] = "/tmp/tern-sb-XXXXXX";
  ASSERT_NE(::mkdtemp(dir), nullptr);
  std::string path = std::string(dir) + "/scoreboard";
  std::string err;
  auto sb = Scoreboard::create(2, 4, path, &err);
  ASSERT_TRUE(sb) << err;
  sb->process(0).pid = 4242;
  // Another mapping of the same file sees the write: the data lives in the file.
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_GT(st.st_size, static_cast<off_t>(2 * sizeof(ProcessScore) + 8 * sizeof(WorkerScore)));
  int fd = ::open(path.c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  void* view = ::mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_SHARED, fd, 0);
  ASSERT_NE(view, MAP_FAILED);
  const char* base = static_cast<const char*>(view);
  const char* slot0 = reinterpret_cast<const char*>(&sb->process(0));
  const char* global = reinterpret_cast<const char*>(&sb->global());
  pid_t seen = 0;
  std::memcpy(&seen, base + (slot0 - global), sizeof seen);
  EXPECT_EQ(seen, 4242);
  ::munmap(view, static_cast<size_t>(st.st_size));
  ::close(fd);
  sb.reset();
  ::unlink(path.c_str());
  ::rmdir(dir);
  // A file that cannot be created is an error that names it.
  EXPECT_FALSE(Scoreboard::create(1, 1, "/nonexistent-dir/sb", &err));
  EXPECT_NE(err.find("ScoreBoardFile /nonexistent-dir/sb"), std::string::npos) << err;
}

TEST(Scoreboard, LongFieldsAreTruncated) {
  std::string err;
  auto sb = Scoreboard::create(1, 1, "", &err);
  ASSERT_TRUE(sb);
  sb->worker(0, 0).set_request("c", "p", "v", std::string(500, 'x'), "GET");
  std::string c, p, v, r, m;
  ASSERT_TRUE(sb->worker(0, 0).read_request(c, p, v, r, m));
  EXPECT_EQ(r.size(), 127u);
}

// Every length up to a field's cap round-trips byte for byte, whatever was there before (a
// field's last partial word is assembled from overlapping loads).
TEST(Scoreboard, EveryFieldLengthRoundTrips) {
  std::string err;
  auto sb = Scoreboard::create(1, 1, "", &err);
  ASSERT_TRUE(sb);
  WorkerScore& w = sb->worker(0, 0);
  std::string text;
  for (size_t i = 0; i < 130; ++i) text += static_cast<char>('!' + (i * 7) % 90);
  for (size_t len = 0; len <= 130; ++len) {
    w.set_request(std::string(47, '#'), std::string(15, '#'), std::string(63, '#'),
                  std::string(127, '#'), std::string(15, '#'));
    const std::string s = text.substr(0, len);
    w.set_request(s, s, s, s, s);
    std::string c, p, v, r, m;
    ASSERT_TRUE(w.read_request(c, p, v, r, m));
    EXPECT_EQ(c, s.substr(0, 47)) << len;
    EXPECT_EQ(p, s.substr(0, 15)) << len;
    EXPECT_EQ(v, s.substr(0, 63)) << len;
    EXPECT_EQ(r, s.substr(0, 127)) << len;
    EXPECT_EQ(m, s.substr(0, 15)) << len;
  }
}

TEST(Scoreboard, ShorterFieldsReplaceLongerOnes) {
  std::string err;
  auto sb = Scoreboard::create(1, 1, "", &err);
  ASSERT_TRUE(sb);
  WorkerScore& w = sb->worker(0, 0);
  w.set_request("2001:db8::1234:5678", "HTTP/1.1", "www.example.com",
                "GET /a/rather/long/path/name.html HTTP/1.1", "OPTIONS");
  w.set_request("10.0.0.1", "HTTP/1.0", "a", "GET / HTTP/1.0", "GET");
  std::string c, p, v, r, m;
  ASSERT_TRUE(w.read_request(c, p, v, r, m));
  EXPECT_EQ(c, "10.0.0.1");  // exactly eight bytes: the NUL is in the next word
  EXPECT_EQ(p, "HTTP/1.0");
  EXPECT_EQ(v, "a");
  EXPECT_EQ(r, "GET / HTTP/1.0");
  EXPECT_EQ(m, "GET");
  w.set_request("", "", "", "", "");
  ASSERT_TRUE(w.read_request(c, p, v, r, m));
  EXPECT_EQ(c + p + v + r + m, "");
}

TEST(Scoreboard, ReaderNeverSeesATornRequest) {
  std::string err;
  auto sb = Scoreboard::create(1, 1, "", &err);
  ASSERT_TRUE(sb);
  WorkerScore& w = sb->worker(0, 0);
  w.set_request("a", "A", "aa", "GET /a HTTP/1.1", "GET");
  std::atomic<bool> done{false};
  std::thread writer([&] {
    for (int i = 0; i < 200000; ++i) {
      if (i % 2) {
        w.set_request("a", "A", "aa", "GET /a HTTP/1.1", "GET");
      } else {
        w.set_request("bbbbbbbb", "BB", "bbbbbbbbbbbbbbbbb", "POST /bbbbbbbbbbbbbbb HTTP/1.0",
                      "POST");
      }
    }
    done = true;
  });
  int consistent = 0;
  // Reads until the writer is done and at least one read came back whole: a writer that
  // finishes before the reader is scheduled still leaves a read with no writer to race.
  while (!done.load() || consistent == 0) {
    std::string c, p, v, r, m;
    if (!w.read_request(c, p, v, r, m)) continue;  // kept changing: allowed
    bool a = c == "a" && p == "A" && v == "aa" && r == "GET /a HTTP/1.1" && m == "GET";
    bool b = c == "bbbbbbbb" && p == "BB" && v == "bbbbbbbbbbbbbbbbb" &&
             r == "POST /bbbbbbbbbbbbbbb HTTP/1.0" && m == "POST";
    ASSERT_TRUE(a || b) << c << "|" << p << "|" << v << "|" << r << "|" << m;
    ++consistent;
  }
  writer.join();
  EXPECT_GT(consistent, 0);
}

}  // namespace
}  // namespace tern
