#include "handlers/file_cache.h"

#include <sys/stat.h>
#include <unistd.h>

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

TEST(FileCache, RefusesLargeFilesAndDirectories) {
  FileCache cache(4);
  std::string p = temp_file("too large");
  EXPECT_FALSE(cache.get(p, 1));
  EXPECT_FALSE(cache.get("/tmp", 1));
  EXPECT_FALSE(cache.get("/nonexistent/x", 1));
  unlink(p.c_str());
}

}  // namespace
}  // namespace tern
