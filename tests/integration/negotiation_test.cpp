// mod_negotiation in tern alone: MultiViews off, Debian's negotiation.conf, type maps
// refused with a 500 and a log line, HTTP/1.0's Expires, variants described by mod_mime's
// per-directory configuration (.htaccess).

#include <gtest/gtest.h>

#include "harness.h"

namespace tern::test {
namespace {

class Negotiation : public ::testing::Test {
 protected:
  void SetUp() override {
    tern_.put("doc.html.en", "<p>english</p>\n");
    tern_.put("doc.html.fr", "<p>francais</p>\n");
    tern_.put("plain/doc.html.fr", "<p>francais</p>\n");
    tern_.put("maps/doc.var", "URI: doc.html.en\n\n");
  }
  Server tern_;
};

TEST_F(Negotiation, DebiansConfigurationAndMultiViewsPerScope) {
  ASSERT_TRUE(tern_.start(
      "AddLanguage en .en\nAddLanguage fr .fr\nAddType text/html .html\n"
      "LanguagePriority en ca cs da de el eo es et fr he hr it ja ko ltz nl nn no pl pt pt-BR ru "
      "sv tr zh-CN zh-TW\nForceLanguagePriority Prefer Fallback\n"
      "<Location /plain>\nOptions -MultiViews\n</Location>\nOptions +MultiViews\n"
      "<Location /maps>\nSetHandler type-map\n</Location>\n"))
      << tern_.log();
  auto r = fetch(tern_.port(), "GET /doc HTTP/1.1\r\nHost: x\r\nAccept-Language: de\r\n\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "<p>english</p>\n");
  EXPECT_EQ(r->header("content-language").value_or(""), "en");
  EXPECT_EQ(r->header("content-type").value_or(""), "text/html");
  EXPECT_EQ(r->header("vary").value_or(""), "negotiate,accept-language");
  EXPECT_EQ(r->header("tcn").value_or(""), "choice");
  EXPECT_EQ(r->header("expires").value_or(""), "");  // HTTP/1.1: no Expires
  r = fetch(tern_.port(), "GET /plain/doc HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);  // MultiViews off in that scope
  // HTTP/1.0 clients must not cache a negotiated answer (CacheNegotiatedDocs Off).
  r = fetch(tern_.port(), "GET /doc HTTP/1.0\r\nAccept-Language: fr\r\n\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "<p>francais</p>\n");
  EXPECT_NE(r->header("expires").value_or(""), "");
  r = fetch(tern_.port(), "GET /maps/doc.var HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
  tern_.stop();
  EXPECT_NE((tern_.log() + tern_.read("logs/error_log")).find("type maps"), std::string::npos)
      << tern_.log();
}

TEST_F(Negotiation, CacheNegotiatedDocsOnKeepsHttp10Cacheable) {
  ASSERT_TRUE(
      tern_.start("AddLanguage en .en\nAddLanguage fr .fr\nAddType text/html .html\n"
                  "Options MultiViews\nCacheNegotiatedDocs On\n"))
      << tern_.log();
  auto r = fetch(tern_.port(), "GET /doc HTTP/1.0\r\nAccept-Language: fr\r\n\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->header("expires").value_or(""), "");
  EXPECT_EQ(r->header("content-location").value_or(""), "doc.html.fr");
}

// A variant's type, charset and language come from mod_mime's merged per-directory
// configuration: an .htaccess's AddLanguage/AddCharset count there and nowhere else.
TEST_F(Negotiation, VariantsFollowPerDirectoryMimeConfiguration) {
  tern_.put("lang/.htaccess",
            "AddLanguage de .de\nAddCharset UTF-8 .utf8\nAddType text/plain .txt\n");
  tern_.put("lang/note.txt.de.utf8", "deutsch\n");
  tern_.put("lang/note.txt.en", "english\n");
  tern_.put("other/note.txt.de.utf8", "deutsch\n");
  const std::string root = tern_.root().path() + "/htdocs";
  ASSERT_TRUE(tern_.start("AddLanguage en .en\n<Directory " + root +
                          ">\nAllowOverride FileInfo\n</Directory>\nOptions +MultiViews\n"))
      << tern_.log();
  auto r = fetch(tern_.port(), "GET /lang/note HTTP/1.1\r\nHost: x\r\nAccept-Language: de\r\n\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "deutsch\n");
  EXPECT_EQ(r->header("content-language").value_or(""), "de");
  EXPECT_EQ(r->header("content-type").value_or(""), "text/plain; charset=utf-8");
  EXPECT_EQ(r->header("content-location").value_or(""), "note.txt.de.utf8");
  r = fetch(tern_.port(), "GET /lang/note HTTP/1.1\r\nHost: x\r\nAccept-Language: en\r\n\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "english\n");
  EXPECT_EQ(r->header("content-language").value_or(""), "en");
  // Without the .htaccess, ".de" and ".utf8" mean nothing: the file is no variant.
  r = fetch(tern_.port(), "GET /other/note HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
}

}  // namespace
}  // namespace tern::test
