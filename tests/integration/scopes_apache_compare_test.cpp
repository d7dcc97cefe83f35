// httpd's per-directory scopes as Debian's apache2 answers them: <Directory> (by depth),
// <DirectoryMatch>, <Files>/<FilesMatch> (also nested in a <Directory>), <Location> after
// them, and .htaccess files under AllowOverride — the same configuration and tree given
// to both servers, statuses and bodies compared.

#include <gtest/gtest.h>

#include "apache_harness.h"

namespace tern::test {
namespace {

// The scopes under test for a server whose DocumentRoot is `d`.
std::string scopes_config(const std::string& d) {
  return "<Directory />\nAllowOverride None\n</Directory>\n"
         "<Directory " +
         d +
         ">\nAllowOverride AuthConfig FileInfo Options=Indexes\n"
         "</Directory>\n"
         "<Location /denied/ok.txt>\nRequire all granted\n</Location>\n"
         "<Directory " +
         d +
         "/denied>\nRequire all denied\n</Directory>\n"
         "<DirectoryMatch \"^" +
         d +
         "/re[0-9]+\">\nRequire all denied\n</DirectoryMatch>\n"
         "<FilesMatch \"^\\.ht\">\nRequire all denied\n</FilesMatch>\n"
         "<Files \"*.secret\">\nRequire all denied\n</Files>\n"
         "<Directory " +
         d +
         "/open>\n<Files \"*.secret\">\nRequire all granted\n</Files>\n"
         "</Directory>\n"
         "<If \"%{QUERY_STRING} == 'deny'\">\nRequire all denied\n</If>\n"
         "<ElseIf \"req('X-Test') =~ /^block/ && -R '127.0.0.0/8'\">\nRequire all denied\n"
         "</ElseIf>\n"
         "<Else>\n<IfModule mod_alias.c>\nSetHandler none\n</IfModule>\n</Else>\n";
}

// The same tree under both DocumentRoots.
template <class S>
void put_tree(S& s) {
  s.put("a.txt", "a\n");
  s.put(".htpasswd", "user:x\n");
  s.put("denied/x.txt", "x\n");
  s.put("denied/ok.txt", "ok\n");
  s.put("re1/x.txt", "x\n");
  s.put("rex/x.txt", "x\n");
  s.put("k.secret", "k\n");
  s.put("open/k.secret", "k\n");
  s.put("ht/.htaccess", "Require all denied\n");
  s.put("ht/x.txt", "x\n");
  s.put("ht/sub/.htaccess", "Require all granted\n");
  s.put("ht/sub/y.txt", "y\n");
  s.put("opts/.htaccess", "Options +ExecCGI\n");
  s.put("opts/x.txt", "x\n");
  s.put("opts2/.htaccess", "Options -Indexes\n");
  s.put("opts2/x.txt", "x\n");
  s.put("global/.htaccess", "Listen 80\n");
  s.put("global/x.txt", "x\n");
  s.put("none/.htaccess", "NoSuchDirective\n");
  s.put("none/x.txt", "x\n");
  s.put("files/.htaccess", "<Files \"x.txt\">\nRequire all denied\n</Files>\n");
  s.put("files/x.txt", "x\n");
  s.put("files/y.txt", "y\n");
}

class ScopesVersusApache : public ::testing::Test {
 protected:
  void SetUp() override {
    start_side_by_side(
        apache_, tern_, [](auto& s) { put_tree(s); }, scopes_config);
  }

  // The same GET to both servers; compares status, Content-Type and body; returns the status.
  int compare(const std::string& target, const std::vector<std::string>& headers = {}) {
    SCOPED_TRACE(target);
    std::string req = http_request("GET", target, headers);
    auto a = fetch(apache_.port(), req, false);
    auto t = fetch(tern_.port(), req, false);
    if (!a || !t) {
      ADD_FAILURE() << apache_.log() << tern_.log();
      return 0;
    }
    EXPECT_EQ(t->status, a->status) << t->body << tern_.read("logs/error_log");
    EXPECT_EQ(headers_map(*t)["content-type"], headers_map(*a)["content-type"]);
    EXPECT_EQ(t->body, a->body);
    return a->status;
  }

  ApacheServer apache_;
  Server tern_;
};

TEST_F(ScopesVersusApache, DirectoryFilesAndLocationSections) {
  EXPECT_EQ(compare("/a.txt"), 200);
  EXPECT_EQ(compare("/.htpasswd"), 403);
  EXPECT_EQ(compare("/denied/x.txt"), 403);
  EXPECT_EQ(compare("/denied/ok.txt"), 200);  // <Location> merges after <Directory>
  EXPECT_EQ(compare("/re1/x.txt"), 403);
  EXPECT_EQ(compare("/rex/x.txt"), 200);
  EXPECT_EQ(compare("/k.secret"), 403);
  EXPECT_EQ(compare("/open/k.secret"), 200);  // the nested <Files> of a deeper directory
}

TEST_F(ScopesVersusApache, IfElseIfElse) {
  EXPECT_EQ(compare("/a.txt?deny"), 403);
  EXPECT_EQ(compare("/a.txt", {"X-Test: blocked"}), 403);
  EXPECT_EQ(compare("/a.txt", {"X-Test: fine"}), 200);
  EXPECT_EQ(compare("/denied/x.txt?other"), 403);
}

TEST_F(ScopesVersusApache, HtaccessFilesUnderAllowOverride) {
  EXPECT_EQ(compare("/ht/x.txt"), 403);
  EXPECT_EQ(compare("/ht/sub/y.txt"), 200);  // a deeper .htaccess overrides
  EXPECT_EQ(compare("/ht/.htaccess"), 403);
  EXPECT_EQ(compare("/files/x.txt"), 403);  // <Files> inside an .htaccess
  EXPECT_EQ(compare("/files/y.txt"), 200);
  EXPECT_EQ(compare("/opts2/x.txt"), 200);   // Options=Indexes allows -Indexes
  EXPECT_EQ(compare("/opts/x.txt"), 500);    // but not ExecCGI
  EXPECT_EQ(compare("/global/x.txt"), 500);  // a server-only directive
  EXPECT_EQ(compare("/none/x.txt"), 500);    // an unknown one
  const std::string log = tern_.read("logs/error_log");
  EXPECT_NE(log.find("/opts/.htaccess:1: Options: Option ExecCGI not allowed here"),
            std::string::npos)
      << log;
}

}  // namespace
}  // namespace tern::test
