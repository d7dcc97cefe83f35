// LocationMap: the per-directory configuration merged over the matching sections, in
// httpd's order, the same from every thread and past the cache's bound.

#include "handlers/location_map.h"

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
std::string handler_for(const LocationMap& map, std::string_view path) {
  LocationMap::Result r = map.lookup(path);
  if (r.dir == nullptr) return "<no dir>";
  const std::string* h = dir_handler(*r.dir);
  return h != nullptr ? *h : "";
}

TEST(LocationMap, LocationsInFileOrderThenLocationMatch) {
  Config c;
  c.sections = {section("^/a/.*z$", true, "regex"), section("/a", false, "a"),
                 section("/a/b", false, "ab"), section("/", false, "root")};
  LocationMap map;
  std::string error;
  ASSERT_TRUE(map.init(c, &error)) << error;
  EXPECT_EQ(handler_for(map, "/a/b/c"), "root");   // "/" comes last of the <Location>s
  EXPECT_EQ(handler_for(map, "/a/b/z"), "regex");  // <LocationMatch> after all of them
  EXPECT_EQ(handler_for(map, "/x"), "root");
  Config none;
  LocationMap empty;
  ASSERT_TRUE(empty.init(none, &error));
  EXPECT_EQ(handler_for(empty, "/x"), "");
}

TEST(LocationMap, ManyDistinctSetsFromManyThreadsStayCorrect) {
  // Section k matches when bit k of the path's 11 binary digits is 1: 2048 distinct sets,
  // more than the cache keeps. The merged SetHandler is that of the last matching one.
  constexpr int kBits = 11;
  static_assert((1 << kBits) > LocationMap::kMaxCached);
  Config c;
  for (int k = 0; k < kBits; ++k) {
    c.sections.push_back(
        section("^/[01]{" + std::to_string(k) + "}1", true, "h" + std::to_string(k)));
  }
  LocationMap map;
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

TEST(LocationMap, RefusesABadPatternWithItsPlace) {
  Config c;
  LocationSpec bad = section("([", true, "x");
  bad.file = "t.conf";
  bad.line = 3;
  c.sections = {bad};
  LocationMap map;
  std::string error;
  EXPECT_FALSE(map.init(c, &error));
  EXPECT_NE(error.find("t.conf:3"), std::string::npos) << error;
}

}  // namespace
}  // namespace tern
