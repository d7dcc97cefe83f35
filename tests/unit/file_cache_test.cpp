#include "handlers/file_cache.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

namespace tern {
namespace {

std::string temp_file(const std::string& content) {
  char path[] = "/tmp/tern-fc-XXXXXX";
  int fd = mkstemp(path);
  EXPECT_EQ(write(fd, content.data(), content.size()), static_cast<ssize_t>(content.size()));
  close(fd);
  return path;
}

TEST(FileCache, ServesSmallFilesAndRevalidatesOncePerSecond) {
  FileCache cache(16);
  std::string p = temp_file("hello");
  auto a = cache.get(p, 1000);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->content, "hello");
  EXPECT_EQ(cache.get(p, 1000), a);  // same second: no stat, same entry
  std::ofstream(p) << "changed!";
  EXPECT_EQ(cache.get(p, 1000)->content, "hello");  // not yet revalidated
  auto b = cache.get(p, 1001);                      // next second: stat sees the change
  ASSERT_TRUE(b);
  EXPECT_EQ(b->content, "changed!");
  unlink(p.c_str());
  EXPECT_FALSE(cache.get(p, 1002));
}

TEST(FileCache, KeepsLargeFilesOpenAndDirectoriesByKind) {
  FileCache cache(4);
  std::string p = temp_file("too large");
  auto big = cache.get(p, 1);
  ASSERT_TRUE(big);
  EXPECT_FALSE(big->in_memory());
  EXPECT_TRUE(big->content.empty());
  EXPECT_EQ(big->size, 9u);
  char buf[16] = {};
  ASSERT_EQ(pread(big->fd.get(), buf, sizeof buf, 0), 9);  // the descriptor reads the file
  EXPECT_EQ(std::string(buf, 9), "too large");
  EXPECT_EQ(cache.get(p, 1), big);  // same second: the same open descriptor
  // Replaced (a new inode): the next second's stat sees it, and a new descriptor serves it;
  // a response still holding the old entry keeps reading the old file.
  std::string q = temp_file("replaced!!");
  ASSERT_EQ(rename(q.c_str(), p.c_str()), 0);
  auto again = cache.get(p, 2);
  ASSERT_TRUE(again);
  EXPECT_NE(again, big);
  EXPECT_EQ(again->size, 10u);
  ASSERT_EQ(pread(big->fd.get(), buf, sizeof buf, 0), 9);
  EXPECT_EQ(std::string(buf, 9), "too large");
  // A permission change (ctime) reloads the entry too.
  ASSERT_EQ(chmod(p.c_str(), 0600), 0);
  EXPECT_NE(cache.get(p, 3), again);
  // A directory is kept by its kind only: GET /dir/ needs no second open to know it.
  auto dir = cache.get("/tmp", 1);
  ASSERT_TRUE(dir);
  EXPECT_TRUE(dir->directory);
  EXPECT_FALSE(dir->in_memory());
  EXPECT_FALSE(dir->fd);
  // A failed open says why, so that the caller does not open again.
  int err = -1;
  EXPECT_FALSE(cache.get("/nonexistent/x", 1, &err));
  EXPECT_EQ(err, ENOENT);
  EXPECT_FALSE(cache.get("/dev/null", 1, &err));  // another kind: opened, not kept
  EXPECT_EQ(err, 0);
  unlink(p.c_str());
  EXPECT_FALSE(cache.get(p, 4, &err));
  EXPECT_EQ(err, ENOENT);
}

}  // namespace
}  // namespace tern
