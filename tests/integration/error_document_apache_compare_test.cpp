// ErrorDocument as Debian's apache2 answers it: at server level, in <Directory>,
// <Location> and <Files> sections and in .htaccess files (AllowOverride FileInfo), a
// nested scope's entry replacing the enclosing one's per status and `default` restoring
// the built-in page — the same configuration and tree given to both servers, statuses,
// Content-Type, Location and bodies compared.

#include <gtest/gtest.h>

#include "apache_harness.h"

namespace tern::test {
namespace {

// The configuration under test for a server whose DocumentRoot is `d`.
std::string error_document_config(const std::string& d) {
  return "ErrorDocument 404 /errors/notfound.html\n"
         "ErrorDocument 403 \"Server says no\"\n"
         "<Directory " +
         d +
         ">\nAllowOverride FileInfo AuthConfig\n</Directory>\n"
         "<Directory " +
         d +
         "/authonly>\nAllowOverride AuthConfig\n</Directory>\n"
         "<Directory " +
         d +
         "/dir>\nErrorDocument 404 \"Directory says missing\"\n</Directory>\n"
         "<Directory " +
         d +
         "/plain>\nErrorDocument 404 default\n</Directory>\n"
         "<Directory " +
         d +
         "/deny>\nRequire all denied\nErrorDocument 403 /errors/denied.html\n</Directory>\n"
         "<Location /loc>\nErrorDocument 404 /errors/loc.html\n</Location>\n"
         "<Files \"*.hidden\">\nRequire all denied\n</Files>\n"
         "<Files \"*.gone\">\nErrorDocument 404 \"Files says gone\"\n</Files>\n";
}

// The same tree under both DocumentRoots.
template <class S>
void put_tree(S& s) {
  s.put("errors/notfound.html", "<p>not found (server)</p>\n");
  s.put("errors/loc.html", "<p>not found (location)</p>\n");
  s.put("errors/denied.html", "<p>denied (directory)</p>\n");
  s.put("errors/ht.html", "<p>not found (htaccess)</p>\n");
  s.put("a.txt", "a\n");
  s.put("dir/x.txt", "x\n");
  s.put("plain/x.txt", "x\n");
  s.put("loc/x.txt", "x\n");
  s.put("deny/x.txt", "x\n");
  s.put("y.hidden", "y\n");
  s.put("ht/.htaccess",
        "ErrorDocument 404 /errors/ht.html\nErrorDocument 403 \"htaccess forbids\"\n");
  s.put("ht/y.hidden", "y\n");
  s.put("ht/sub/.htaccess", "ErrorDocument 404 default\n");
  s.put("ht/sub/z.hidden", "z\n");
  s.put("ext/.htaccess", "ErrorDocument 404 http://example.com/gone\n");
  s.put("authonly/.htaccess", "ErrorDocument 404 /errors/ht.html\n");
  s.put("authonly/x.txt", "x\n");
}

class ErrorDocumentVersusApache : public ::testing::Test {
 protected:
  void SetUp() override {
    start_side_by_side(
        apache_, tern_, [](auto& s) { put_tree(s); }, error_document_config);
  }

  // The same GET to both servers; compares status, Content-Type, Location and body;
  // returns apache's answer (status 0 when either did not answer).
  Response compare(const std::string& target) {
    SCOPED_TRACE(target);
    Response a;
    compare_with_apache(apache_, tern_, http_request("GET", target), false,
                        {"content-type", "location"}, &a);
    return a;
  }

  ApacheServer apache_;
  Server tern_;
};

TEST_F(ErrorDocumentVersusApache, ServerLevelAndSections) {
  Response r = compare("/missing.txt");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, "<p>not found (server)</p>\n");
  r = compare("/y.hidden");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.body, "Server says no");
  r = compare("/dir/missing.txt");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, "Directory says missing");
  r = compare("/plain/missing.txt");  // `default`: the built-in page again
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(r.body.find("<title>404 Not Found</title>"), std::string::npos) << r.body;
  r = compare("/loc/missing.txt");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, "<p>not found (location)</p>\n");
  r = compare("/deny/x.txt");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.body, "<p>denied (directory)</p>\n");
  r = compare("/missing.gone");  // <Files>
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, "Files says gone");
}

TEST_F(ErrorDocumentVersusApache, HtaccessFilesUnderAllowOverrideFileInfo) {
  Response r = compare("/ht/missing.txt");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, "<p>not found (htaccess)</p>\n");
  r = compare("/ht/y.hidden");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.body, "htaccess forbids");
  r = compare("/ht/sub/missing.txt");  // a deeper .htaccess restores the built-in page
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(r.body.find("<title>404 Not Found</title>"), std::string::npos) << r.body;
  r = compare("/ht/sub/z.hidden");  // the 403 entry is inherited
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.body, "htaccess forbids");
  r = compare("/ext/missing.txt");  // an external URL: a redirect, the status lost
  EXPECT_EQ(r.status, 302);
  EXPECT_EQ(headers_map(r)["location"], "http://example.com/gone");
  // Without FileInfo the .htaccess line is an error: 500 for every request there.
  EXPECT_EQ(compare("/authonly/x.txt").status, 500);
  const std::string log = tern_.read("logs/error_log");
  EXPECT_NE(log.find("/authonly/.htaccess:1: ErrorDocument: ErrorDocument not allowed here"),
            std::string::npos)
      << log;
}

}  // namespace
}  // namespace tern::test
