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
         "<Files \"*.gone\">\nErrorDocument 404 \"Files says gone\"\n</Files>\n"
         // A local URL is an internal redirect: Alias and handlers apply to it, and a
         // document whose own request fails leaves the built-in page with a note.
         "Alias /aliased " +
         d +
         "/errors\n"
         "Redirect gone /was\n"
         "ErrorDocument 410 /aliased/gone.html\n"
         "<Directory " +
         d +
         "/broken>\nErrorDocument 404 /errors/nonexistent.html\nErrorDocument 403 "
         "/errors/nonexistent.html\nErrorDocument 410 /deny/x.txt\n</Directory>\n"
         "Redirect gone /broken/old\n"
         "<Directory " +
         d +
         "/script>\nErrorDocument 404 /cgi-bin/nf.sh\nErrorDocument 403 /cgi-bin/ok.sh\n"
         "</Directory>\n";
}

// The ErrorDocument scripts (the same files serve both servers).
constexpr const char* kNotFoundScript =
    "#!/bin/sh\nprintf 'Content-Type: text/plain\\r\\n\\r\\n'\n"
    "for v in REDIRECT_STATUS REDIRECT_URL REDIRECT_QUERY_STRING REDIRECT_REQUEST_METHOD "
    "REQUEST_METHOD QUERY_STRING REQUEST_URI REDIRECT_HANDLER; do eval echo \"$v=\\$$v\"; done\n";
constexpr const char* kStatusScript =
    "#!/bin/sh\nprintf 'Status: 200 OK\\r\\nContent-Type: text/plain\\r\\n\\r\\nfine\\n'\n";

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
  s.put("errors/gone.html", "<p>gone (aliased)</p>\n");
  s.put("broken/x.txt", "x\n");
  s.put("script/x.txt", "x\n");
}

class ErrorDocumentVersusApache : public ::testing::Test {
 protected:
  void SetUp() override {
    apache_.put_script("nf.sh", kNotFoundScript);
    apache_.put_script("ok.sh", kStatusScript);
    const std::string alias = "ScriptAlias /cgi-bin/ " + apache_.cgi_dir() + "/\n";
    start_side_by_side(
        apache_, tern_, [](auto& s) { put_tree(s); },
        [&](const std::string& d) { return alias + error_document_config(d); });
  }

  // The same GET to both servers; compares status, Content-Type, Location and body;
  // returns apache's answer (status 0 when either did not answer).
  Response compare(const std::string& target, const std::vector<std::string>& headers = {},
                   const std::string& method = "GET") {
    SCOPED_TRACE(method + " " + target);
    Response a;
    compare_with_apache(apache_, tern_, http_request(method, target, headers), method == "HEAD",
                        {"content-type", "location", "content-range", "accept-ranges"}, &a);
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

TEST_F(ErrorDocumentVersusApache, LocalUrlIsAnInternalRedirect) {
  Response r = compare("/was");  // through Alias
  EXPECT_EQ(r.status, 410);
  EXPECT_EQ(r.body, "<p>gone (aliased)</p>\n");
  // Never a 304 or a 206: the document's request drops conditions and ranges.
  r = compare("/missing.txt", {"If-None-Match: *", "Range: bytes=0-3"});
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, "<p>not found (server)</p>\n");
  r = compare("/missing.txt", {}, "HEAD");
  EXPECT_EQ(r.status, 404);
  r = compare("/missing.txt", {}, "POST");  // the document is fetched with GET
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, "<p>not found (server)</p>\n");
  // httpd's default handler delivers a file to POST as to GET (core's deliver_script).
  EXPECT_EQ(compare("/a.txt", {}, "POST").status, 200);
  compare("/a.txt", {"If-None-Match: *"}, "POST");
  compare("/a.txt", {"If-Match: \"nope\""}, "POST");
  compare("/a.txt", {"If-Match: \"nope\""}, "GET");
  compare("/dir", {}, "POST");
}

TEST_F(ErrorDocumentVersusApache, DocumentWhoseRequestFails) {
  Response r = compare("/broken/missing.txt");  // the document is missing
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(r.body.find("Additionally, a 404 Not Found\nerror was encountered"), std::string::npos)
      << r.body;
  r = compare("/broken/x.hidden");  // the document is in a denied directory
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(r.body.find("Additionally, a 403 Forbidden\nerror was encountered"), std::string::npos)
      << r.body;
}

TEST_F(ErrorDocumentVersusApache, ScriptAnswersWithTheErrorStatus) {
  Response r = compare("/script/missing.txt?a=1");
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(r.body.find("REDIRECT_STATUS=404\n"), std::string::npos) << r.body;
  // REQUEST_URI is the original request line's (httpd's original_uri).
  EXPECT_NE(r.body.find("REQUEST_URI=/script/missing.txt?a=1\n"), std::string::npos) << r.body;
  r = compare("/script/miss%20ing.txt");  // REDIRECT_URL is the decoded path
  EXPECT_NE(r.body.find("REDIRECT_URL=/script/miss ing.txt\n"), std::string::npos) << r.body;
  r = compare("/script/missing.txt", {}, "POST");
  EXPECT_EQ(r.status, 404);
  r = compare("/script/x.hidden");  // a script's own Status wins
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "fine\n");
}

}  // namespace
}  // namespace tern::test
