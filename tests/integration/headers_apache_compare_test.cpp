// mod_headers as Debian's apache2 answers it: `Header` at the server level, in
// <Directory>, <Location> and .htaccess files, onsuccess and always, on static files,
// 304s, errors, redirects and a CGI script's fields (its cookies are in err_headers_out)
// — the same configuration and tree given to both servers, the fields compared.

#include <utime.h>

#include <gtest/gtest.h>

#include "apache_harness.h"

namespace tern::test {
namespace {

// The configuration under test for a server whose DocumentRoot is `d` and whose scripts
// are in `cgi`.
std::string headers_config(const std::string& d, const std::string& cgi) {
  return "ScriptAlias /cgi-bin/ " + cgi + "/\n" +
         "Redirect /moved http://example.com/moved\n"
         "SetEnv HAVE_IT from-setenv\n"
         "Header set X-Success yes\n"
         "Header always set X-Always yes\n"
         "Header always append X-Always more\n"
         "Header append X-List a\n"
         "Header merge X-List a\n"
         "Header merge X-List \"b c\"\n"
         "Header add X-Twice 1\n"
         "Header onsuccess add X-Twice 2\n"
         "Header unset ETag\n"
         "Header set X-Env \"%{HAVE_IT}e and %{MISSING}e\" env=HAVE_IT\n"
         "Header set X-NoEnv no env=!HAVE_IT\n"
         "Header echo ^X-Echo-\n"
         "Header set X-Edit aXbXc\n"
         "Header edit* X-Edit X -\n"
         "Header set X-Edit1 aXbXc\n"
         "Header edit X-Edit1 X(.) <$1>\n"
         "Header edit Last-Modified ^(\\w+), \"day $1, \"\n"
         "Header set X-Escapes \"tab\\there 100%%\"\n"
         "Header unset X-Powered-By\n"
         "Header always unset X-Script\n"
         "Header always edit Set-Cookie ^(.*)$ \"$1; HttpOnly\"\n"
         "Header edit Set-Cookie ^(.*)$ \"$1; Never\"\n"
         "<Directory " +
         d +
         ">\nAllowOverride FileInfo\n</Directory>\n"
         "<Directory " +
         d +
         "/sub>\nHeader set X-Sub sub\nHeader always unset X-Always\n"
         "Header set Content-Type text/x-forced\n</Directory>\n"
         "<Location /loc>\nHeader always set X-Loc loc\nHeader set X-Success replaced\n"
         "</Location>\n";
}

constexpr const char* kCookieScript =
    "#!/bin/sh\nprintf 'Content-Type: text/plain\\r\\nSet-Cookie: a=1\\r\\n"
    "X-Powered-By: sh\\r\\nX-Script: yes\\r\\n\\r\\nscript body\\n'\n";

// Every field the configuration touches.
const std::vector<std::string> kFields = {
    "x-success",  "x-always",     "x-list",     "x-twice", "etag",         "x-env",
    "x-noenv",    "x-echo-one",   "x-echo-two", "x-edit",  "x-edit1",      "last-modified",
    "x-escapes",  "x-sub",        "x-loc",      "x-ht",    "content-type", "location",
    "set-cookie", "x-powered-by", "x-script"};

class HeadersVersusApache : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(ApacheServer::available())
        << "apache2-bin is missing: scripts/deps.sh test installs it";
    apache_.put_script("cookie.sh", kCookieScript);
    put_tree(apache_);
    put_tree(tern_);
    const std::string mods = kApacheModules;
    const std::string load = "LoadModule headers_module " + mods + "/mod_headers.so\n" +
                             "LoadModule env_module " + mods + "/mod_env.so\n";
    ASSERT_TRUE(
        apache_.start(load + headers_config(apache_.root().path() + "/htdocs", apache_.cgi_dir())))
        << apache_.log();
    ASSERT_TRUE(tern_.start("ServerName 127.0.0.1\n" +
                            headers_config(tern_.root().path() + "/htdocs", apache_.cgi_dir())))
        << tern_.log();
  }

  // The same tree under both DocumentRoots, the files' times fixed (Last-Modified, 304s).
  template <class S>
  static void put_tree(S& s) {
    for (const char* f : {"a.txt", "sub/b.txt", "loc/c.txt", "ht/d.txt"}) {
      s.put(f, std::string("file ") + f + "\n");
      const utimbuf t{1600000000, 1600000000};
      ::utime((s.root().path() + "/htdocs/" + f).c_str(), &t);
    }
    s.put("ht/.htaccess", "Header set X-Ht ht\nHeader always add X-Ht always-ht\n");
  }

  // The same request to both servers; compares status, body and every touched field.
  Response compare(const std::string& target, const std::vector<std::string>& fields = {}) {
    SCOPED_TRACE(target);
    Response a;
    compare_with_apache(apache_, tern_, http_request("GET", target, fields), false, kFields, &a);
    return a;
  }

  ApacheServer apache_;
  Server tern_;
};

TEST_F(HeadersVersusApache, StaticFileGetsBothTables) {
  Response r = compare("/a.txt", {"X-Echo-One: 1", "X-Echo-Two: 2", "X-Other: 3"});
  EXPECT_EQ(r.status, 200);
  auto h = headers_map(r);
  EXPECT_EQ(h["x-success"], "yes");
  EXPECT_EQ(h["x-always"], "yes, more");
  EXPECT_EQ(h["x-list"], "a, b c");
  EXPECT_EQ(h["x-edit"], "a-b-c");
  EXPECT_EQ(h["x-edit1"], "a<b>Xc");
  EXPECT_EQ(h["x-echo-one"], "1");
  EXPECT_EQ(h["etag"], "");
  EXPECT_EQ(h["x-env"], "from-setenv and (null)");
  EXPECT_EQ(h["last-modified"], "day Sun,  13 Sep 2020 12:26:40 GMT");
}

TEST_F(HeadersVersusApache, NotModifiedAndPreconditionFailed) {
  Response r = compare("/a.txt", {"If-Modified-Since: Sun, 13 Sep 2020 12:26:40 GMT"});
  EXPECT_EQ(r.status, 304);
  r = compare("/a.txt", {"If-Unmodified-Since: Sat, 12 Sep 2020 12:26:40 GMT"});
  EXPECT_EQ(r.status, 412);
}

TEST_F(HeadersVersusApache, ErrorsAndRedirectsGetOnlyTheAlwaysTable) {
  Response r = compare("/missing.txt");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(headers_map(r)["x-success"], "");
  EXPECT_EQ(headers_map(r)["x-always"], "yes, more");
  r = compare("/moved");
  EXPECT_EQ(r.status, 302);
  EXPECT_EQ(headers_map(r)["x-always"], "yes, more");
}

TEST_F(HeadersVersusApache, SectionsAndHtaccessMergeAfterTheServer) {
  Response r = compare("/sub/b.txt");
  EXPECT_EQ(headers_map(r)["x-sub"], "sub");
  EXPECT_EQ(headers_map(r)["x-always"], "");
  EXPECT_EQ(headers_map(r)["content-type"], "text/x-forced");
  r = compare("/loc/c.txt");
  EXPECT_EQ(headers_map(r)["x-loc"], "loc");
  EXPECT_EQ(headers_map(r)["x-success"], "replaced");
  r = compare("/loc/missing.txt");
  EXPECT_EQ(headers_map(r)["x-loc"], "loc");
  r = compare("/ht/d.txt");
  EXPECT_EQ(headers_map(r)["x-ht"], "always-ht, ht");
  compare("/sub/missing.txt");
}

TEST_F(HeadersVersusApache, ScriptFieldsAndCookies) {
  Response r = compare("/cgi-bin/cookie.sh");
  EXPECT_EQ(r.status, 200);
  auto h = headers_map(r);
  // A script's fields are in err_headers_out: `Header always` edits them, `Header
  // onsuccess` does not (httpd's ap_scan_script_header_err).
  EXPECT_EQ(h["set-cookie"], "a=1; HttpOnly");
  EXPECT_EQ(h["x-powered-by"], "sh");
  EXPECT_EQ(h["x-script"], "");
  EXPECT_EQ(h["content-type"], "text/plain");
}

}  // namespace
}  // namespace tern::test
