#include "http/path_resolve.h"

#include <gtest/gtest.h>

#include <string>

namespace tern {
namespace {

struct Out {
  int status;
  std::string fs;
  std::string url;
};

Out resolve(std::string_view raw) {
  Out o;
  o.status = resolve_path(raw, "/srv/www", o.fs, o.url);
  return o;
}

TEST(PathResolve, PlainPaths) {
  Out o = resolve("/");
  EXPECT_EQ(o.status, 0);
  EXPECT_EQ(o.url, "/");
  EXPECT_EQ(o.fs, "/srv/www/");
  o = resolve("/a/b.html");
  EXPECT_EQ(o.url, "/a/b.html");
  EXPECT_EQ(o.fs, "/srv/www/a/b.html");
  EXPECT_EQ(resolve("/dir/").url, "/dir/");
}

// Every path of '/', '.' and 'a' up to 8 characters, the leading '/' included: the result
// has no empty, "." or ".." segment, and resolving it again changes nothing.
TEST(PathResolve, EveryShortPathComesOutNormal) {
  const char alphabet[] = {'/', '.', 'a'};
  for (size_t len = 0; len <= 7; ++len) {
    size_t count = 1;
    for (size_t i = 0; i < len; ++i) count *= 3;
    for (size_t n = 0; n < count; ++n) {
      std::string raw = "/";
      for (size_t i = 0, k = n; i < len; ++i, k /= 3) raw.push_back(alphabet[k % 3]);
      const Out o = resolve(raw);
      if (o.status != 0) {
        EXPECT_EQ(o.status, 400) << raw;
        continue;
      }
      std::string u = o.url;  // with a slash after it, so that a last segment is checked too
      if (u.back() != '/') u.push_back('/');
      EXPECT_EQ(u.find("//"), std::string::npos) << raw << " -> " << o.url;
      EXPECT_EQ(u.find("/./"), std::string::npos) << raw << " -> " << o.url;
      EXPECT_EQ(u.find("/../"), std::string::npos) << raw << " -> " << o.url;
      EXPECT_EQ(o.fs, "/srv/www" + o.url) << raw;
      EXPECT_EQ(resolve(o.url).url, o.url) << raw;
    }
  }
}

TEST(PathResolve, DecodesPercentEscapes) {
  EXPECT_EQ(resolve("/a%20b").url, "/a b");
  EXPECT_EQ(resolve("/%41%62%63").url, "/Abc");
  EXPECT_EQ(resolve("/%e2%82%AC").url, "/\xe2\x82\xac");
  EXPECT_EQ(resolve("/100%25").url, "/100%");
  EXPECT_EQ(resolve("/a+b").url, "/a+b");  // '+' is not a space in a path
}

TEST(PathResolve, InvalidEscapesAre400) {
  for (const char* raw : {"/%", "/%4", "/%zz", "/a%g0", "/%%41", "/a%2"}) {
    Out o = resolve(raw);
    EXPECT_EQ(o.status, 400) << raw;
    EXPECT_TRUE(o.fs.empty());
  }
}

TEST(PathResolve, EncodedSlashAndNulAre404) {
  EXPECT_EQ(resolve("/a%2Fb").status, 404);
  EXPECT_EQ(resolve("/a%2fb").status, 404);
  EXPECT_EQ(resolve("/..%2F..%2Fetc%2Fpasswd").status, 404);
  EXPECT_EQ(resolve("/index.html%00.txt").status, 404);
  EXPECT_EQ(resolve("/%00").status, 404);
  // A bad escape later in the path still wins (400), as httpd.
  EXPECT_EQ(resolve("/%2F%zz").status, 400);
}

// Found by fuzz/path_resolve_fuzz: a raw NUL passed into fs_path, where open() would have
// cut the name short ("/index.ht\0ml" opens "/index.ht").
TEST(PathResolve, RawNulIs400) {
  using namespace std::string_literals;
  Out o = resolve("/index.ht\0ml"s);
  EXPECT_EQ(o.status, 400);
  EXPECT_TRUE(o.fs.empty());
  EXPECT_TRUE(o.url.empty());
  EXPECT_EQ(resolve("/\0"s).status, 400);
  EXPECT_EQ(resolve("/a%2F\0"s).status, 400);  // 400 before 404, as for a bad escape
}

TEST(PathResolve, DotSegmentsResolvedLexically) {
  EXPECT_EQ(resolve("/a/./b").url, "/a/b");
  EXPECT_EQ(resolve("/a/../b").url, "/b");
  EXPECT_EQ(resolve("/a/b/..").url, "/a/");
  EXPECT_EQ(resolve("/a/b/.").url, "/a/b/");
  EXPECT_EQ(resolve("/a/.").url, "/a/");
  EXPECT_EQ(resolve("/a/..").url, "/");
  EXPECT_EQ(resolve("/.").url, "/");
  EXPECT_EQ(resolve("/a/%2e%2e/b").url, "/b");
  EXPECT_EQ(resolve("/a/.%2E/").url, "/");
  EXPECT_EQ(resolve("/...").url, "/...");
  EXPECT_EQ(resolve("/..a/b..").url, "/..a/b..");
  EXPECT_EQ(resolve("/.hidden").url, "/.hidden");
}

TEST(PathResolve, DotDotAboveRootIs400) {
  for (const char* raw : {"/..", "/../", "/../etc/passwd", "/a/../../etc/passwd", "/%2e%2e/x",
                          "/.%2e/x", "//../x", "/a/./../.."}) {
    Out o = resolve(raw);
    EXPECT_EQ(o.status, 400) << raw;
    EXPECT_TRUE(o.fs.empty()) << raw;
  }
}

TEST(PathResolve, SlashesCollapsed) {
  EXPECT_EQ(resolve("//a///b//").url, "/a/b/");
  EXPECT_EQ(resolve("////").url, "/");
  EXPECT_EQ(resolve("//etc/passwd").fs, "/srv/www/etc/passwd");
}

TEST(PathResolve, BackslashIsOrdinary) {
  Out o = resolve("/..\\..\\etc\\passwd");
  EXPECT_EQ(o.status, 0);
  EXPECT_EQ(o.url, "/..\\..\\etc\\passwd");
  EXPECT_EQ(resolve("/%5c..%5c").url, "/\\..\\");
}

TEST(PathResolve, MustStartWithSlash) {
  EXPECT_EQ(resolve("").status, 400);
  EXPECT_EQ(resolve("a/b").status, 400);
  EXPECT_EQ(resolve("*").status, 400);
  EXPECT_EQ(resolve("%2F").status, 400);
}

TEST(PathResolve, NeverEscapesRoot) {
  // A brute-force mix of hostile segments: the result is either an error or a path
  // under the root without any ".." segment.
  const char* parts[] = {"..", ".", "%2e%2e", "%2E.", "a", "", "%2f", "\\..", "%00"};
  for (const char* a : parts) {
    for (const char* b : parts) {
      for (const char* c : parts) {
        std::string raw = std::string("/") + a + "/" + b + "/" + c;
        Out o = resolve(raw);
        if (o.status != 0) continue;
        EXPECT_EQ(o.fs.rfind("/srv/www/", 0), 0u) << raw;
        EXPECT_EQ(o.url.find("/../"), std::string::npos) << raw;
        EXPECT_NE(o.url.size() >= 3 ? o.url.substr(o.url.size() - 3) : "", "/..") << raw;
      }
    }
  }
}

TEST(PathResolve, ReusesBuffers) {
  std::string fs, url;
  fs.reserve(256);
  url.reserve(256);
  const char* cap_fs = fs.data();
  ASSERT_EQ(resolve_path("/x/y", "/root", fs, url), 0);
  EXPECT_EQ(fs.data(), cap_fs);
  EXPECT_EQ(fs, "/root/x/y");
  ASSERT_EQ(resolve_path("/z", "/root", fs, url), 0);
  EXPECT_EQ(fs, "/root/z");
  EXPECT_EQ(url, "/z");
}

TEST(PathResolve, EscapesForLocation) {
  std::string out;
  append_escaped_path(out, "/a b/\xe2\x82\xac/x?y#z%/ok-._~");
  EXPECT_EQ(out, "/a%20b/%E2%82%AC/x%3Fy%23z%25/ok-._~");
}

}  // namespace
}  // namespace tern
