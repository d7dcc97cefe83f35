// htpasswd files as mod_authn_file reads them, and their cache.

#include "modules/auth/password_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

namespace tern {
namespace {

namespace fs = std::filesystem;

TEST(PasswordFile, ParsesLikeApCfgGetline) {
  PasswordFile f = PasswordFile::parse(
      "# comment\n"
      "\n"
      "  alice:$apr1$x$hash  \r\n"
      "bob:{SHA}abc:trailing:fields\n"
      "alice:second-is-ignored\n"
      "carol::after-colons\n"
      "dave\n"
      ":empty-user\n"
      "#eve:hidden\n");
  ASSERT_NE(f.find("alice"), nullptr);
  EXPECT_EQ(*f.find("alice"), "$apr1$x$hash");
  EXPECT_EQ(*f.find("bob"), "{SHA}abc");
  EXPECT_EQ(*f.find("carol"), "after-colons");  // ap_getword skips the run of ':'
  ASSERT_NE(f.find("dave"), nullptr);
  EXPECT_EQ(*f.find("dave"), "");
  EXPECT_EQ(*f.find(""), "empty-user");
  EXPECT_EQ(f.find("eve"), nullptr);
  EXPECT_EQ(f.find("#eve"), nullptr);
  EXPECT_EQ(f.find("Alice"), nullptr);  // user names are case-sensitive
}

class PasswordFileCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/tern-pwfile-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/users";
  }
  void TearDown() override { fs::remove_all(dir_); }
  void write(const std::string& text) {
    std::ofstream(path_ + ".new") << text;
    fs::rename(path_ + ".new", path_);  // a new inode, as htpasswd's rewrite
  }
  std::string dir_, path_;
  PasswordFileCache cache_;
};

TEST_F(PasswordFileCacheTest, MissingFileIsAnError) {
  int err = 0;
  EXPECT_EQ(cache_.get(path_, &err), nullptr);
  EXPECT_EQ(err, ENOENT);
  err = 0;
  EXPECT_EQ(cache_.get(dir_, &err), nullptr);  // not a regular file
  EXPECT_NE(err, 0);
}

TEST_F(PasswordFileCacheTest, OversizedFileIsRefusedByItsSize) {
  write("alice:one\n");
  fs::resize_file(path_, (uintmax_t{64} << 20) + 1);  // sparse: nothing to read
  int err = 0;
  EXPECT_EQ(cache_.get(path_, &err), nullptr);
  EXPECT_EQ(err, EFBIG);
}

TEST_F(PasswordFileCacheTest, RereadsAChangedFileWithinSeconds) {
  write("alice:one\n");
  int err = 0;
  auto first = cache_.get(path_, &err);
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(*first->find("alice"), "one");
  EXPECT_EQ(cache_.get(path_, &err), first);  // unchanged: the same parsed file
  write("alice:two\nbob:three\n");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  std::shared_ptr<const PasswordFile> now;
  while (std::chrono::steady_clock::now() < deadline) {
    now = cache_.get(path_, &err);
    ASSERT_NE(now, nullptr);
    if (now != first) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_NE(now, first);
  EXPECT_EQ(*now->find("alice"), "two");
  EXPECT_EQ(*now->find("bob"), "three");
  fs::remove(path_);
  std::shared_ptr<const PasswordFile> gone = now;
  while (gone != nullptr && std::chrono::steady_clock::now() < deadline) {
    gone = cache_.get(path_, &err);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(gone, nullptr);  // a removed file is an error again, not served from memory
}

TEST_F(PasswordFileCacheTest, ConcurrentReadersSeeOneFile) {
  write("alice:one\n");
  std::vector<std::thread> threads;
  std::atomic<int> found{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        int err = 0;
        auto f = cache_.get(path_, &err);
        if (f != nullptr && f->find("alice") != nullptr) ++found;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(found.load(), 800);
}

}  // namespace
}  // namespace tern
