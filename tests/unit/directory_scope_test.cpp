// <Directory>, <DirectoryMatch>, <Files>, <FilesMatch> and .htaccess: which sections apply
// to a file and in which order they merge (httpd's directory, file and location walks),
// AllowOverride and AllowOverrideList, and .htaccess files revalidated when they change.

#include <gtest/gtest.h>

#include <unistd.h>

#include "config_test_util.h"
#include "handlers/scope_walk.h"
#include "modules/core_dir.h"

namespace tern {
namespace {

class DirectoryScopeTest : public ::testing::Test {
 protected:
  // Loads `text` (with ${R} replaced by the temporary root) and builds the walk.
  void build(std::string text) {
    for (size_t at; (at = text.find("${R}")) != std::string::npos;) text.replace(at, 4, root());
    LoadResult r = testing::load(text, dir.path());
    ASSERT_EQ(r.error, "") << text;
    config_ = r.config;
    walk_ = std::make_unique<ScopeWalk>();
    std::string error;
    ASSERT_TRUE(walk_->init(*config_, &error)) << error;
  }
  std::string root() const { return dir.path() + "/www"; }
  // The SetHandler in effect for `file` under the root ("" when none; "<N>" for a status).
  std::string handler(const std::string& file, const std::string& url = "/x", time_t now = 0) {
    ScopeWalk::Result r = walk_->lookup(root() + file, url, now);
    if (r.status != 0) {
      last_log_ = r.log;
      return "<" + std::to_string(r.status) + ">";
    }
    const std::string* h = dir_handler(*r.dir);
    return h != nullptr ? *h : "";
  }
  unsigned options(const std::string& file) {
    ScopeWalk::Result r = walk_->lookup(root() + file, "/x", 0);
    return r.dir ? dir_options(*r.dir) : 0;
  }
  testing::TempDir dir;
  std::shared_ptr<const Config> config_;
  std::unique_ptr<ScopeWalk> walk_;
  std::string last_log_;
};

TEST_F(DirectoryScopeTest, ShortestDirectoryFirstWhateverTheFileOrder) {
  dir.mkdir("www/a/b");
  build(
      "<Directory ${R}/a/b>\nSetHandler deep\n</Directory>\n"
      "<Directory ${R}/a>\nSetHandler shallow\n</Directory>\n"
      "<Directory />\nSetHandler root\n</Directory>\n");
  EXPECT_EQ(handler("/a/b/f.txt"), "deep");
  EXPECT_EQ(handler("/a/f.txt"), "shallow");
  EXPECT_EQ(handler("/a/"), "shallow");
  EXPECT_EQ(handler("/ab/f.txt"), "root");  // "/a" is a whole component
  EXPECT_EQ(handler("/f.txt"), "root");
}

TEST_F(DirectoryScopeTest, WildcardDirectoryMatchesOneComponent) {
  build("<Directory ${R}/*/pub>\nSetHandler pub\n</Directory>\n");
  EXPECT_EQ(handler("/u1/pub/x.html"), "pub");
  EXPECT_EQ(handler("/u1/pub/deeper/x.html"), "pub");
  EXPECT_EQ(handler("/u1/priv/x.html"), "");
  EXPECT_EQ(handler("/u1/u2/pub/x.html"), "");  // '*' does not cross a '/'
}

TEST_F(DirectoryScopeTest, DirectoryMatchAfterDirectoryFilesAfterBothLocationLast) {
  build(
      "<Location /x>\nSetHandler location\n</Location>\n"
      "<Files *.txt>\nSetHandler files\n</Files>\n"
      "<DirectoryMatch \"^.*/www/a\">\nSetHandler regex\n</DirectoryMatch>\n"
      "<Directory ${R}/a>\nSetHandler plain\n</Directory>\n");
  EXPECT_EQ(handler("/a/f.html", "/y"), "regex");          // the regex after the plain section
  EXPECT_EQ(handler("/a/f.txt", "/y"), "files");           // <Files> after directories
  EXPECT_EQ(handler("/a/f.txt", "/x/f.txt"), "location");  // <Location> after <Files>
  EXPECT_EQ(handler("/b/f.html", "/y"), "");
}

TEST_F(DirectoryScopeTest, FilesInsideADirectoryApplyOnlyThere) {
  build(
      "<Directory ${R}/a>\n<FilesMatch \"^\\.ht\">\nSetHandler hidden\n</FilesMatch>\n"
      "</Directory>\n<Files \"index.html\">\nSetHandler index\n</Files>\n");
  EXPECT_EQ(handler("/a/.htpasswd"), "hidden");
  EXPECT_EQ(handler("/b/.htpasswd"), "");
  EXPECT_EQ(handler("/b/index.html"), "index");
  EXPECT_EQ(handler("/b/xindex.html"), "");
}

TEST_F(DirectoryScopeTest, OptionsMergeAsHttpd) {
  build(
      "<Directory ${R}>\nOptions Indexes FollowSymLinks\n</Directory>\n"
      "<Directory ${R}/a>\nOptions +ExecCGI -Indexes\n</Directory>\n"
      "<Directory ${R}/a/b>\nOptions MultiViews\n</Directory>\n");
  EXPECT_EQ(options("/f"), kOptIndexes | kOptSymLinks);
  EXPECT_EQ(options("/a/f"), kOptExecCGI | kOptSymLinks);
  EXPECT_EQ(options("/a/b/f"), kOptMultiViews);
  build("<Directory ${R}>\nOptions -FollowSymLinks +Indexes\n</Directory>\n");
  EXPECT_EQ(options("/f"), kOptIndexes);  // over httpd's default FollowSymLinks
}

TEST_F(DirectoryScopeTest, HtaccessOnlyWhereAllowOverrideSaysSo) {
  dir.write("www/a/.htaccess", "SetHandler from-htaccess\n");
  dir.write("www/b/.htaccess", "SetHandler from-htaccess\n");
  build(
      "<Directory />\nAllowOverride None\n</Directory>\n"
      "<Directory ${R}/a>\nAllowOverride FileInfo\nSetHandler section\n</Directory>\n");
  EXPECT_EQ(handler("/a/f.txt"), "from-htaccess");  // after its directory's section
  EXPECT_EQ(handler("/a/"), "from-htaccess");
  EXPECT_EQ(handler("/b/f.txt"), "");  // AllowOverride None: not even read
}

TEST_F(DirectoryScopeTest, HtaccessDirectiveOutsideItsClassIsA500WithTheReason) {
  dir.write("www/a/.htaccess", "# comment\nOptions +Indexes\n");
  build("<Directory ${R}>\nAllowOverride FileInfo AuthConfig\n</Directory>\n");
  EXPECT_EQ(handler("/a/f.txt"), "<500>");
  EXPECT_NE(last_log_.find(root() + "/a/.htaccess:2: Options: Options not allowed here"),
            std::string::npos)
      << last_log_;
  dir.write("www/b/.htaccess", "NoSuchDirective x\n");
  EXPECT_EQ(handler("/b/f.txt"), "<500>");
  EXPECT_NE(last_log_.find("Invalid command 'NoSuchDirective'"), std::string::npos) << last_log_;
  // The main configuration's directives are not .htaccess directives.
  dir.write("www/c/.htaccess", "Listen 9999\n");
  EXPECT_EQ(handler("/c/f.txt"), "<500>");
  EXPECT_NE(last_log_.find("Listen not allowed here"), std::string::npos) << last_log_;
  dir.write("www/d/.htaccess", "Include /etc/passwd\n");
  EXPECT_EQ(handler("/d/f.txt"), "<500>");
}

TEST_F(DirectoryScopeTest, AllowOverrideOptionsListLimitsWhichOptions) {
  dir.write("www/a/.htaccess", "Options +Indexes\n");
  dir.write("www/b/.htaccess", "Options +ExecCGI\n");
  build("<Directory ${R}>\nAllowOverride Options=Indexes,MultiViews\n</Directory>\n");
  EXPECT_EQ(options("/a/f"), kOptIndexes | kOptSymLinks);
  EXPECT_EQ(handler("/b/f"), "<500>");
  EXPECT_NE(last_log_.find("Option ExecCGI not allowed here"), std::string::npos) << last_log_;
}

TEST_F(DirectoryScopeTest, HtaccessSeesTheServersDefines) {
  // An .htaccess <IfDefine> must not be skipped for a parameter the server defines.
  dir.write("www/a/.htaccess", "<IfDefine LOCKED>\nSetHandler locked-${WHO}\n</IfDefine>\n");
  build("Define LOCKED\nDefine WHO admin\n<Directory ${R}>\nAllowOverride All\n</Directory>\n");
  EXPECT_EQ(handler("/a/f"), "locked-admin");
}

TEST_F(DirectoryScopeTest, AllowOverrideListAllowsNamedDirectivesOnly) {
  dir.write("www/a/.htaccess", "SetHandler listed\n");
  dir.write("www/b/.htaccess", "Options +Indexes\n");
  build("<Directory ${R}>\nAllowOverride None\nAllowOverrideList SetHandler\n</Directory>\n");
  EXPECT_EQ(handler("/a/f"), "listed");
  EXPECT_EQ(handler("/b/f"), "<500>");
}

TEST_F(DirectoryScopeTest, HtaccessFilesSectionsAndAccessFileName) {
  dir.write("www/a/.config", "<Files secret.txt>\nSetHandler secret\n</Files>\n");
  dir.write("www/a/.htaccess", "SetHandler ignored\n");
  build("AccessFileName .config\n<Directory ${R}>\nAllowOverride All\n</Directory>\n");
  EXPECT_EQ(handler("/a/secret.txt"), "secret");
  EXPECT_EQ(handler("/a/other.txt"), "");
}

TEST_F(DirectoryScopeTest, ChangedHtaccessIsSeenAfterASecondAndNotBefore) {
  dir.write("www/a/.htaccess", "SetHandler one\n");
  build("<Directory ${R}>\nAllowOverride All\n</Directory>\n");
  EXPECT_EQ(handler("/a/f", "/x", 100), "one");
  dir.write("www/a/.htaccess", "SetHandler second\n");
  EXPECT_EQ(handler("/a/f", "/x", 100), "one");  // within the same second: cached
  EXPECT_EQ(handler("/a/f", "/x", 101), "second");
  std::filesystem::remove(root() + "/a/.htaccess");
  EXPECT_EQ(handler("/a/f", "/x", 102), "");
  dir.write("www/a/.htaccess", "SetHandler back\n");
  EXPECT_EQ(handler("/a/f", "/x", 103), "back");
}

TEST_F(DirectoryScopeTest, UnreadableHtaccessIsRefusedNotSkipped) {
  dir.mkdir("www/a/.htaccess");  // not a regular file: httpd refuses (AH00529)
  build("<Directory ${R}>\nAllowOverride All\n</Directory>\n");
  EXPECT_EQ(handler("/a/f"), "<403>");
  EXPECT_NE(last_log_.find("AH00529"), std::string::npos) << last_log_;
}

TEST_F(DirectoryScopeTest, SymbolicLinksFollowOnlyWhereOptionsAllow) {
  dir.write("outside/t.txt", "t\n");
  dir.mkdir("www/a");
  dir.mkdir("www/b");
  std::filesystem::create_symlink(dir.path() + "/outside/t.txt", root() + "/a/link.txt");
  std::filesystem::create_symlink(dir.path() + "/outside", root() + "/b/linkdir");
  build(
      "<Directory ${R}/a>\nOptions -FollowSymLinks\n</Directory>\n"
      "<Directory ${R}/b>\nOptions SymLinksIfOwnerMatch\n</Directory>\n");
  EXPECT_EQ(handler("/a/link.txt"), "<403>");
  EXPECT_NE(last_log_.find("AH00037: Symbolic link not allowed"), std::string::npos);
  EXPECT_EQ(handler("/a/plain.txt"), "");
  EXPECT_EQ(handler("/b/linkdir/t.txt"), "");  // same owner (the test's user)
  ASSERT_EQ(::lchown((root() + "/b/linkdir").c_str(), 12345, 12345), 0);
  build("<Directory ${R}/b>\nOptions SymLinksIfOwnerMatch\n</Directory>\n");
  EXPECT_EQ(handler("/b/linkdir/t.txt"), "<403>");
  build("Options -FollowSymLinks\n");  // at server level too
  EXPECT_EQ(handler("/a/link.txt"), "<403>");
  build("");
  EXPECT_EQ(handler("/a/link.txt"), "");  // httpd's default: FollowSymLinks
}

TEST_F(DirectoryScopeTest, IfElseIfElseAfterEverythingElse) {
  dir.write("www/a/.htaccess", "<If \"%{HTTP_HOST} == 'h'\">\nSetHandler ht-if\n</If>\n");
  build(
      "<If \"%{REQUEST_METHOD} == 'POST'\">\nSetHandler post\n</If>\n"
      "<ElseIf \"%{REQUEST_METHOD} == 'PUT'\">\nSetHandler put\n</ElseIf>\n"
      "<Else>\nSetHandler other\n</Else>\n"
      "<Directory ${R}/a>\nAllowOverride All\n</Directory>\n"
      "<Location /x>\nSetHandler location\n</Location>\n");
  Request req;
  RequestContext ctx;
  ExprContext e{&req, &ctx, {}, {}, {}, {}, {}};
  auto with = [&](std::string_view method, std::string_view host) {
    req.method_name = method;
    req.headers = {{"Host", host}};
    ScopeWalk::Result r = walk_->lookup(root() + "/a/f", "/x", 0, &e);
    const std::string* h = r.dir ? dir_handler(*r.dir) : nullptr;
    return h ? *h : std::string("<none>");
  };
  EXPECT_EQ(with("POST", "z"), "post");  // <If> after <Location>
  EXPECT_EQ(with("PUT", "z"), "put");
  EXPECT_EQ(with("GET", "z"), "other");
  EXPECT_EQ(with("GET", "h"), "ht-if");  // the .htaccess <If> comes after the server's
  LoadResult bad = testing::load("<ElseIf \"true\">\n</ElseIf>\n", dir.path());
  EXPECT_NE(bad.error.find("t.conf:1: <ElseIf>: <Else> or <ElseIf> section without previous"),
            std::string::npos)
      << bad.error;
  bad = testing::load("<If \"%{NOPE} == 'x'\">\n</If>\n", dir.path());
  EXPECT_NE(bad.error.find("t.conf:1: <If>: Cannot parse condition clause"), std::string::npos)
      << bad.error;
}

TEST_F(DirectoryScopeTest, NestedSectionsKeepTheirParentWithServerLevelRequire) {
  // A server-level Require becomes a "/" section in front of the others: the nested
  // sections' parent and chain indices must follow it.
  build(
      "Require all granted\n"
      "<Directory ${R}/a>\n<Files x.txt>\nSetHandler nested\n</Files>\n</Directory>\n"
      "<If \"true\">\nSetHandler if\n</If>\n<Else>\nSetHandler else\n</Else>\n");
  EXPECT_EQ(handler("/a/x.txt"), "nested");
  EXPECT_EQ(handler("/b/x.txt"), "");
  Request req;
  RequestContext ctx;
  ExprContext e{&req, &ctx, {}, {}, {}, {}, {}};
  ScopeWalk::Result r = walk_->lookup(root() + "/a/y.txt", "/x", 0, &e);
  ASSERT_TRUE(r.dir);
  EXPECT_EQ(*dir_handler(*r.dir), "if");
}

TEST_F(DirectoryScopeTest, SectionErrorsNameTheirLine) {
  LoadResult r = testing::load("<Directory relative/path>\n</Directory>\n", dir.path());
  EXPECT_NE(r.error.find("t.conf:1: <Directory>:"), std::string::npos) << r.error;
  r = testing::load("<Location /a>\n<Directory /x>\n</Directory>\n</Location>\n", dir.path());
  EXPECT_NE(r.error.find("t.conf:2: <Directory>: <Directory not allowed in <Location> context"),
            std::string::npos)
      << r.error;
  r = testing::load(
      "<Directory /x>\nAllowOverride All\n</Directory>\n<Location /a>\n"
      "AllowOverride All\n</Location>\n",
      dir.path());
  EXPECT_NE(
      r.error.find("t.conf:5: AllowOverride: AllowOverride not allowed in <Location> context"),
      std::string::npos)
      << r.error;
  r = testing::load("<Directory /x>\nOptions +Indexes FollowSymLinks\n</Directory>\n", dir.path());
  EXPECT_NE(r.error.find("Either all Options must start with + or -"), std::string::npos);
  r = testing::load("<DirectoryMatch \"([\">\n</DirectoryMatch>\n", dir.path());
  EXPECT_NE(r.error.find("t.conf:1: <DirectoryMatch>: invalid regular expression"),
            std::string::npos)
      << r.error;
}

}  // namespace
}  // namespace tern
