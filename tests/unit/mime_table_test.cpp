#include "http/mime_table.h"

#include <gtest/gtest.h>

#include <cctype>
#include <cstdio>
#include <fstream>
#include <string>

namespace tern {
namespace {

TEST(MimeTable, BuiltInCommonTypes) {
  MimeTable t = MimeTable::built_in();
  EXPECT_GE(t.size(), 40u);
  EXPECT_EQ(t.lookup("/index.html"), "text/html");
  EXPECT_EQ(t.lookup("/a/b/style.css"), "text/css");
  EXPECT_EQ(t.lookup("app.js"), "text/javascript");
  EXPECT_EQ(t.lookup("x.json"), "application/json");
  EXPECT_EQ(t.lookup("x.txt"), "text/plain");
  EXPECT_EQ(t.lookup("x.png"), "image/png");
  EXPECT_EQ(t.lookup("x.jpg"), "image/jpeg");
  EXPECT_EQ(t.lookup("x.svg"), "image/svg+xml");
  EXPECT_EQ(t.lookup("x.wasm"), "application/wasm");
  EXPECT_EQ(t.lookup("x.woff2"), "font/woff2");
  EXPECT_EQ(t.lookup("x.mp4"), "video/mp4");
  EXPECT_EQ(t.lookup("x.pdf"), "application/pdf");
}

TEST(MimeTable, LastExtensionCaseInsensitive) {
  MimeTable t = MimeTable::built_in();
  EXPECT_EQ(t.lookup("/INDEX.HTML"), "text/html");
  EXPECT_EQ(t.lookup("/x.Png"), "image/png");
  EXPECT_EQ(t.lookup("/archive.tar.gz"), "application/gzip");
  EXPECT_EQ(t.lookup("/page.html.bak"), "");
}

TEST(MimeTable, LowerExtensionLookupFoldsNoCase) {
  MimeTable t = MimeTable::built_in();
  EXPECT_EQ(t.lookup_lower_extension("html"), "text/html");
  EXPECT_EQ(t.lookup_extension("HTML"), "text/html");
  EXPECT_EQ(t.lookup_lower_extension("HTML"), "");  // the caller folded it, or it is unknown
  EXPECT_EQ(t.lookup_lower_extension(""), "");
}

TEST(MimeTable, UnknownOrMissingExtension) {
  MimeTable t = MimeTable::built_in();
  EXPECT_EQ(t.lookup("/README"), "");
  EXPECT_EQ(t.lookup("/file."), "");
  EXPECT_EQ(t.lookup("/dir.html/file"), "");  // dot in a directory name only
  EXPECT_EQ(t.lookup("/x.unknownext"), "");
  EXPECT_EQ(t.lookup(""), "");
  EXPECT_EQ(t.lookup("/x." + std::string(100, 'a')), "");
}

TEST(MimeTable, ParsesMimeTypesText) {
  MimeTable t = MimeTable::from_text(
      "# comment line\n"
      "text/html\t\thtml htm\r\n"
      "\n"
      "   \n"
      "image/png png # trailing comment\n"
      "application/x-lonely\n"
      "text/x-foo .foo FOO2\n"
      "text/plain html\n",
      {});
  EXPECT_EQ(t.lookup("a.htm"), "text/html");
  EXPECT_EQ(t.lookup("a.html"), "text/plain");  // later line overrides
  EXPECT_EQ(t.lookup("a.png"), "image/png");
  EXPECT_EQ(t.lookup("a.foo"), "text/x-foo");
  EXPECT_EQ(t.lookup("a.foo2"), "text/x-foo");
  EXPECT_EQ(t.lookup("a.comment"), "");
  EXPECT_EQ(t.lookup("a.css"), "");  // not built in when a file is used
  EXPECT_EQ(t.size(), 5u);
}

// An extension of any length is found, in any case (it was dropped beyond 32 bytes).
TEST(MimeTable, LongExtensionsAreFound) {
  const std::string ext = "sarif-external-properties-and-then-some-more";
  MimeTable t = MimeTable::from_text("application/x-long " + ext + "\n", {});
  EXPECT_EQ(t.lookup("/a." + ext), "application/x-long");
  std::string upper = ext;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(t.lookup_extension(upper), "application/x-long");
}

TEST(MimeTable, AddTypeOverrides) {
  std::map<std::string, std::string> add{{"html", "text/x-mine"}, {"xyz", "chemical/x-xyz"}};
  MimeTable t = MimeTable::built_in(add);
  EXPECT_EQ(t.lookup("a.html"), "text/x-mine");
  EXPECT_EQ(t.lookup("a.XYZ"), "chemical/x-xyz");
  MimeTable f = MimeTable::from_text("text/html html\n", add);
  EXPECT_EQ(f.lookup("a.html"), "text/x-mine");
}

TEST(MimeTable, LoadsFileOrFails) {
  std::string path = ::testing::TempDir() + "tern_mime_test.types";
  {
    std::ofstream out(path);
    out << "text/x-test tst\n";
  }
  std::string error;
  auto t = MimeTable::load(path, {}, &error);
  ASSERT_TRUE(t.has_value()) << error;
  EXPECT_EQ(t->lookup("a.tst"), "text/x-test");
  std::remove(path.c_str());

  auto missing = MimeTable::load("/nonexistent/tern/mime.types", {}, &error);
  EXPECT_FALSE(missing.has_value());
  EXPECT_NE(error.find("/nonexistent/tern/mime.types"), std::string::npos);

  auto builtin = MimeTable::load("", {}, &error);
  ASSERT_TRUE(builtin.has_value());
  EXPECT_EQ(builtin->lookup("a.css"), "text/css");
}

}  // namespace
}  // namespace tern
