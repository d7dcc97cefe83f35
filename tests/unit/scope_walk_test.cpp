// ScopeWalk: the per-directory configuration merged over the matching sections, in
// httpd's order, the same from every thread and past the cache's bound.

#include "handlers/scope_walk.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "modules/core_dir.h"

namespace tern {
namespace {

LocationSpec section(std::string pattern, bool regex, std::string handler) {
  LocationSpec l;
  l.pattern = std::move(pattern);
  l.is_regex = regex;
  l.handler = std::move(handler);
  return l;
}

// The SetHandler lookup() yields for `path`, "" when none.
std::string handler_for(const ScopeWalk& map, std::string_view path) {
  ScopeWalk::Result r = map.lookup("/srv/www" + std::string(path), path, 0);
  if (r.dir == nullptr) return "<no dir>";
  const std::string* h = dir_handler(*r.dir);
  return h != nullptr ? *h : "";
}

TEST(ScopeWalk, LocationAndLocationMatchInFileOrder) {
  Config c;
  c.sections = {section("^/a/.*z$", true, "regex"), section("/a", false, "a"),
                section("/a/b", false, "ab"), section("/", false, "root")};
  ScopeWalk map;
  std::string error;
  ASSERT_TRUE(map.init(c, &error)) << error;
  EXPECT_EQ(handler_for(map, "/a/b/c"), "root");  // "/" comes last in the file
  // httpd merges <Location> and <LocationMatch> "simultaneously": in file order (checked
  // against Debian's apache2 2.4.71: a later <Location> overrides an earlier match).
  EXPECT_EQ(handler_for(map, "/a/b/z"), "root");
  EXPECT_EQ(handler_for(map, "/x"), "root");
  Config none;
  ScopeWalk empty;
  ASSERT_TRUE(empty.init(none, &error));
  EXPECT_EQ(handler_for(empty, "/x"), "");
}

TEST(ScopeWalk, ManyDistinctSetsFromManyThreadsStayCorrect) {
  // Section k matches when bit k of the path's 13 binary digits is 1: 8192 distinct sets,
  // more than the cache keeps. The merged SetHandler is that of the last matching one.
  constexpr int kBits = 13;
  static_assert((1 << kBits) > ScopeWalk::kMaxCached);
  Config c;
  for (int k = 0; k < kBits; ++k) {
    c.sections.push_back(
        section("^/[01]{" + std::to_string(k) + "}1", true, "h" + std::to_string(k)));
  }
  ScopeWalk map;
  std::string error;
  ASSERT_TRUE(map.init(c, &error)) << error;
  auto expected = [](int bits) {
    for (int k = kBits - 1; k >= 0; --k) {
      if (bits & (1 << (kBits - 1 - k))) return "h" + std::to_string(k);
    }
    return std::string();
  };
  auto path_of = [](int bits) {
    std::string p = "/";
    for (int k = kBits - 1; k >= 0; --k) p += (bits >> k) & 1 ? '1' : '0';
    return p;
  };
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 2; ++round) {
        for (int i = 0; i < (1 << kBits); ++i) {
          const int bits = (i * 7 + t * 131) % (1 << kBits);
          if (handler_for(map, path_of(bits)) != expected(bits)) ++wrong;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST(ScopeWalk, RefusesABadPatternWithItsPlace) {
  Config c;
  LocationSpec bad = section("([", true, "x");
  bad.file = "t.conf";
  bad.line = 3;
  c.sections = {bad};
  ScopeWalk map;
  std::string error;
  EXPECT_FALSE(map.init(c, &error));
  EXPECT_NE(error.find("t.conf:3"), std::string::npos) << error;
}

}  // namespace
}  // namespace tern
