#include "handlers/file_cache.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "http/etag.h"
#include "http/http_date.h"

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

void set_mtime(const std::string& p, time_t sec) {
  timespec t[2] = {{sec, 0}, {sec, 0}};
  ASSERT_EQ(utimensat(AT_FDCWD, p.c_str(), t, 0), 0);
}

// What serve_regular sends for a file of `size` bytes modified at `sec` (strong ETag).
std::string validators(uint64_t size, time_t sec) {
  char date[30];
  format_http_date(sec, date);
  char etag[kMaxEtagLength];
  size_t n = make_etag(size, static_cast<int64_t>(sec) * 1000000, false, etag);
  return "Last-Modified: " + std::string(date, kHttpDateLength) +
         "\r\nETag: " + std::string(etag, n) + "\r\n";
}

TEST(FileCache, FormatsValidatorsOnceAndFollowsChanges) {
  FileCache cache(16);
  std::string p = temp_file("hello");
  set_mtime(p, 500);
  auto a = cache.get(p, 1000);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->validator_fields, validators(5, 500));
  EXPECT_EQ(a->etag(), "\"5-1dcd6500\"");
  // Changed (size and mtime): the next second's entry carries the new validators.
  std::ofstream(p) << "changed!";
  set_mtime(p, 700);
  auto b = cache.get(p, 1001);
  ASSERT_TRUE(b);
  EXPECT_NE(b, a);
  EXPECT_EQ(b->validator_fields, validators(8, 700));
  EXPECT_EQ(a->validator_fields, validators(5, 500));  // a response holding the old entry
  unlink(p.c_str());
}

TEST(FileCache, LeavesValidatorsOfAFreshFileToEachResponse) {
  FileCache cache(16);
  std::string p = temp_file("fresh");
  set_mtime(p, 1000);
  auto a = cache.get(p, 1000);  // modified this second: its ETag is weak for now
  ASSERT_TRUE(a);
  EXPECT_TRUE(a->validator_fields.empty());
  EXPECT_TRUE(a->etag().empty());
  auto b = cache.get(p, 1001);  // old enough now: loaded again, with them
  ASSERT_TRUE(b);
  EXPECT_NE(b, a);
  EXPECT_EQ(b->validator_fields, validators(5, 1000));
  EXPECT_EQ(cache.get(p, 1002), b);  // and kept
  set_mtime(p, 5000);                // in the future: Last-Modified is each response's now
  auto c = cache.get(p, 1003);
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->validator_fields.empty());
  EXPECT_EQ(cache.get(p, 1004), c);  // not loaded again before that time comes
  unlink(p.c_str());
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
