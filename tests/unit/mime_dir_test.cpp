// mod_mime's per-directory configuration and httpd's find_ct rule: every extension of a
// file name contributes, left to right.

#include <gtest/gtest.h>

#include <string>

#include "modules/mime/mime_dir.h"

namespace tern {
namespace {

const MimeTable& table() {
  static const MimeTable t = MimeTable::from_text(
      "text/html html htm\ntext/plain txt\napplication/x-tar tar\napplication/gzip gz\n"
      "image/png png\n",
      {});
  return t;
}

MimeDecision find(const MimeDirConfig* c, std::string_view name) {
  return find_content_type(c, table(), name);
}

TEST(MimeFindCt, TypesConfigOnlyEveryExtensionCounts) {
  EXPECT_EQ(find(nullptr, "/d/index.html").meta.type, "text/html");
  EXPECT_EQ(find(nullptr, "/d/index.html.en").meta.type, "text/html");    // .en unknown
  EXPECT_EQ(find(nullptr, "/d/a.tar.gz").meta.type, "application/gzip");  // last type wins
  EXPECT_EQ(find(nullptr, "/d/A.HTML").meta.type, "text/html");
  EXPECT_EQ(find(nullptr, "/d/bad..html").meta.type, "text/html");
  // The base name is no extension, leading dots included.
  EXPECT_EQ(find(nullptr, "/d/html").meta.type, "");
  EXPECT_EQ(find(nullptr, "/d/.png").meta.type, "");
  EXPECT_EQ(find(nullptr, "/d/..png").meta.type, "");
  EXPECT_EQ(find(nullptr, "/d/x.png/").meta.type, "");  // a directory URL: no name
  EXPECT_EQ(find(nullptr, "/d.html/file").meta.type, "");
}

// An AddType extension longer than 64 bytes applies too (it was skipped).
TEST(MimeFindCt, LongAddTypeExtensionApplies) {
  const std::string ext(70, 'q');
  MimeDirConfig c;
  c.add(MimeAttr::kType, "." + ext, "text/x-long");
  EXPECT_EQ(find(&c, "/d/a." + std::string(70, 'Q')).meta.type, "text/x-long");
}

TEST(MimeFindCt, LanguageCharsetEncodingHandler) {
  MimeDirConfig c;
  c.add(MimeAttr::kLanguage, ".EN", "EN");
  c.add(MimeAttr::kLanguage, "fr", "fr");
  c.add(MimeAttr::kCharset, "utf8", "UTF-8");
  c.add(MimeAttr::kEncoding, "gz", "x-gzip");
  c.add(MimeAttr::kEncoding, "z", "x-compress");
  c.add(MimeAttr::kHandler, "cgi", "cgi-script");
  c.add(MimeAttr::kType, "txt", "text/x-mine");
  MimeDecision d = find(&c, "/p/page.html.en");
  EXPECT_EQ(d.meta.type, "text/html");
  EXPECT_EQ(d.meta.language, "en");
  d = find(&c, "/p/page.en.fr.html");
  EXPECT_EQ(d.meta.language, "en,fr");  // as httpd joins them
  d = find(&c, "/p/page.utf8.html");
  EXPECT_EQ(d.meta.type, "text/html; charset=utf-8");
  d = find(&c, "/p/a.tar.gz.z");
  EXPECT_EQ(d.meta.type, "application/gzip");
  EXPECT_EQ(d.meta.encoding, "x-gzip, x-compress");
  d = find(&c, "/p/run.cgi");
  EXPECT_EQ(d.handler, "cgi-script");
  EXPECT_EQ(d.meta.type, "");
  EXPECT_EQ(find(&c, "/p/notes.txt").meta.type, "text/x-mine");  // AddType over mime.types
}

TEST(MimeFindCt, CharsetReplacesAnExistingOne) {
  MimeDirConfig c;
  c.add(MimeAttr::kType, "x", "text/plain; charset=ascii; format=flowed");
  c.add(MimeAttr::kCharset, "k", "koi8-r");
  EXPECT_EQ(find(&c, "/f.x.k").meta.type, "text/plain; format=flowed; charset=koi8-r");
}

TEST(MimeFindCt, DefaultLanguageOnlyWithoutOne) {
  MimeDirConfig c;
  c.default_language = "de";
  c.add(MimeAttr::kLanguage, "en", "en");
  EXPECT_EQ(find(&c, "/a.html").meta.language, "de");
  EXPECT_EQ(find(&c, "/a.html.en").meta.language, "en");
}

TEST(MimeMerge, AddOverlaysAndRemoveClearsEnclosingScopes) {
  MimeDirConfig server;
  server.add(MimeAttr::kType, "gz", "application/x-gzip");
  server.add(MimeAttr::kEncoding, "gz", "x-gzip");
  server.add(MimeAttr::kHandler, "cgi", "cgi-script");
  MimeDirConfig dir;
  dir.remove(MimeAttr::kType, ".GZ");
  dir.remove(MimeAttr::kHandler, "cgi");
  dir.add(MimeAttr::kLanguage, "en", "en");
  auto merged = server.merge(dir);
  const auto& m = static_cast<const MimeDirConfig&>(*merged);
  // RemoveType leaves "" (not unset): mime.types is not consulted for .gz either.
  MimeDecision d = find(&m, "/a.tar.gz");
  EXPECT_EQ(d.meta.type, "application/x-tar");
  EXPECT_EQ(d.meta.encoding, "x-gzip");
  EXPECT_EQ(find(&m, "/s.cgi").handler, "");
  EXPECT_EQ(find(&m, "/a.html.en").meta.language, "en");
  // The enclosing scope is unchanged.
  EXPECT_EQ(find(&server, "/a.tar.gz").meta.type, "application/x-gzip");
  // A removal of something never added hides mime.types' type too (as Debian's httpd).
  MimeDirConfig other;
  other.remove(MimeAttr::kType, "png");
  auto m2 = MimeDirConfig{}.merge(other);
  EXPECT_EQ(find(static_cast<const MimeDirConfig*>(m2.get()), "/i.png").meta.type, "");
  EXPECT_EQ(find(nullptr, "/i.png").meta.type, "image/png");
}

TEST(MimeMerge, RemoveInTheSameScopeWinsOverAdd) {
  MimeDirConfig c;
  c.remove(MimeAttr::kType, "foo");
  c.add(MimeAttr::kType, "foo", "text/x-foo");
  EXPECT_EQ(find(&c, "/a.foo").meta.type, "");
}

}  // namespace
}  // namespace tern
