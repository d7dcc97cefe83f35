// mod_autoindex as Debian's apache2 answers: the same directory tree (mtimes fixed with
// utimensat, TZ=UTC) listed by Debian's httpd 2.4 (apache_harness.h) and by tern under the
// same directives — Debian's autoindex.conf first — and the answers compared byte for
// byte (status, Content-Type, body), with the query strings that sort and filter, the
// header/readme files, and the 403 with AH01276 when Indexes is off.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <regex>

#include "apache_harness.h"

namespace tern::test {
namespace {

// The directives of Debian's /etc/apache2/mods-available/autoindex.conf (apache2 2.4).
const char* const kDebianAutoindex =
    "IndexOptions FancyIndexing VersionSort HTMLTable NameWidth=* DescriptionWidth=* "
    "Charset=UTF-8\n"
    "IndexIgnore .??* *~ *# RCS CVS *,v *,t\n"
    "AddIconByEncoding (CMP,/icons/compressed.gif) x-compress x-gzip x-bzip2\n"
    "AddIconByType (TXT,/icons/text.gif) text/*\n"
    "AddIconByType (IMG,/icons/image2.gif) image/*\n"
    "AddIconByType (SND,/icons/sound2.gif) audio/*\n"
    "AddIconByType (VID,/icons/movie.gif) video/*\n"
    "AddIcon /icons/binary.gif .bin .exe\n"
    "AddIcon /icons/binhex.gif .hqx\n"
    "AddIcon /icons/tar.gif .tar\n"
    "AddIcon /icons/world2.gif .wrl .wrl.gz .vrml .vrm .iv\n"
    "AddIcon /icons/compressed.gif .Z .z .tgz .gz .zip\n"
    "AddIcon /icons/a.gif .ps .ai .eps\n"
    "AddIcon /icons/layout.gif .html .shtml .htm .pdf\n"
    "AddIcon /icons/text.gif .txt\n"
    "AddIcon /icons/c.gif .c\n"
    "AddIcon /icons/p.gif .pl .py\n"
    "AddIcon /icons/f.gif .for\n"
    "AddIcon /icons/dvi.gif .dvi\n"
    "AddIcon /icons/uuencoded.gif .uu\n"
    "AddIcon /icons/script.gif .conf .sh .shar .csh .ksh .tcl\n"
    "AddIcon /icons/tex.gif .tex\n"
    "AddIcon /icons/bomb.gif core\n"
    "AddIcon /icons/deb.gif .deb Debian\n"
    "AddIcon /icons/back.gif ..\n"
    "AddIcon /icons/hand.right.gif README\n"
    "AddIcon /icons/folder.gif ^^DIRECTORY^^\n"
    "AddIcon /icons/blank.gif ^^BLANKICON^^\n"
    "DefaultIcon /icons/unknown.gif\n"
    "ReadmeName README.html\n"
    "HeaderName HEADER.html\n";

// Both servers' htdocs get the same tree; every mtime is fixed.
class TwinTree {
 public:
  TwinTree(const std::string& a, const std::string& b) : roots_{a, b} {}
  void file(const std::string& rel, const std::string& content, time_t mtime) {
    for (const std::string& r : roots_) {
      mkdirs(r, rel);
      const std::string p = r + "/" + rel;
      int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
      ASSERT_GE(fd, 0) << p;
      ASSERT_EQ(::write(fd, content.data(), content.size()), static_cast<ssize_t>(content.size()));
      ::close(fd);
      touch(p, mtime);
    }
  }
  // A sparse file of `size` bytes (sizes in the M/G ranges cost no disk).
  void sparse(const std::string& rel, off_t size, time_t mtime) {
    for (const std::string& r : roots_) {
      mkdirs(r, rel);
      const std::string p = r + "/" + rel;
      int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
      ASSERT_GE(fd, 0) << p;
      ASSERT_EQ(::ftruncate(fd, size), 0);
      ::close(fd);
      touch(p, mtime);
    }
  }
  void dir(const std::string& rel, time_t mtime) {
    for (const std::string& r : roots_) {
      mkdirs(r, rel + "/x");
      touch(r + "/" + rel, mtime);
    }
  }
  void symlink(const std::string& target, const std::string& rel) {
    for (const std::string& r : roots_)
      ASSERT_EQ(::symlink(target.c_str(), (r + "/" + rel).c_str()), 0);
  }

 private:
  static void mkdirs(const std::string& root, const std::string& rel) {
    std::string p = root;
    size_t start = 0;
    for (size_t slash; (slash = rel.find('/', start)) != std::string::npos; start = slash + 1) {
      p += "/" + rel.substr(start, slash - start);
      ::mkdir(p.c_str(), 0755);
    }
  }
  static void touch(const std::string& p, time_t t) {
    struct timespec ts[2] = {{t, 0}, {t, 0}};
    ASSERT_EQ(::utimensat(AT_FDCWD, p.c_str(), ts, AT_SYMLINK_NOFOLLOW), 0) << p;
  }
  std::string roots_[2];
};

class AutoindexVersusApache : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(ApacheServer::available())
        << "apache2-bin is missing: scripts/deps.sh test installs it";
    ::setenv("TZ", "UTC", 1);
    TwinTree t(apache_.root().path() + "/htdocs", tern_.root().path() + "/htdocs");
    const time_t base = 1700000000;  // 2023-11-14 22:13:20 UTC
    t.file("list/a.txt", "hello", base);
    t.file("list/B.TXT", "upper", base + 30);
    t.file("list/b.tar.gz", std::string(2000, 'z'), base + 60);
    t.file("list/page.html", "<p>x</p>", base + 90);
    t.file("list/prog.c", "int main;", base + 120);
    t.file("list/README", "read me", base + 150);
    t.file("list/core", "", base + 180);
    t.file("list/image.png", "png", base + 210);
    t.file("list/song.mp3", "mp3", base + 240);
    t.file("list/Version-1.10.zip", "ten", base + 270);
    t.file("list/Version-1.9.zip", "nine", base + 300);
    t.file("list/x y&z.txt", "odd", base + 330);
    t.file("list/caf\xc3\xa9.txt", "utf8", base + 360);
    t.file("list/a-rather-long-file-name-for-the-name-column.txt", "", base + 390);
    t.file("list/.hidden", "", base);
    t.file("list/backup~", "", base);
    t.file("list/notes#", "", base);
    t.file("list/RCS/x,v", "", base);
    t.file("list/x,v", "", base);
    t.sparse("list/big.bin", 5 * 1024 * 1024 + 300 * 1024, base + 420);
    t.sparse("list/huge.iso", (off_t{3} << 30) + 12345, base + 450);
    t.sparse("list/k.dat", 12345, base + 480);
    t.symlink("a.txt", "list/link.txt");
    t.symlink("missing", "list/dangling");
    t.dir("list/sub", base + 510);
    t.file("list/sub/inner.txt", "in", base + 540);
    t.dir("list/sub", base + 510);
    t.dir("list/RCS", base);
    t.file("hdr/HEADER.html", "<p>Header &amp; <b>bold</b></p>\n", base);
    t.file("hdr/README.html", "<p>Readme</p>\n", base);
    t.file("hdr/one.txt", "1", base + 60);
    t.file("withindex/index.html", "the index\n", base);
    t.file("closed/file.txt", "x", base);
    t.dir("list", base + 600);
    t.dir("hdr", base + 600);
    t.dir("closed", base + 600);
    t.dir("withindex", base + 600);
  }

  void start(const std::string& conf) {
    const std::string common =
        "Options Indexes FollowSymLinks\n"
        "<Location /closed>\nOptions -Indexes\n</Location>\n" +
        conf;
    ASSERT_TRUE(apache_.start("LoadModule autoindex_module " + std::string(kApacheModules) +
                              "/mod_autoindex.so\n" + common))
        << apache_.log();
    const std::string types =
        ::access("/etc/mime.types", R_OK) == 0 ? "TypesConfig /etc/mime.types\n" : "";
    ASSERT_TRUE(tern_.start("ServerName 127.0.0.1\nDirectoryIndex index.html\n" + types + common))
        << tern_.log();
  }

  // The same GET to both servers; status, Content-Type and body must be equal.
  void compare(const std::string& target) {
    SCOPED_TRACE("GET " + target);
    compare_with_apache(apache_, tern_, http_request("GET", target), false, {"content-type"},
                        &last_, normalise);
  }

  // The ServerSignature's server banner differs by design (tern names itself).
  static std::string normalise(const std::string& body) {
    static const std::regex banner("<address>[^<]* Server at ");
    return std::regex_replace(body, banner, "<address>BANNER Server at ");
  }

  ApacheServer apache_;
  Server tern_;
  Response last_;
};

TEST_F(AutoindexVersusApache, DebianDefaultListingByteForByte) {
  start(kDebianAutoindex);
  compare("/list/");
  EXPECT_EQ(last_.status, 200);
  EXPECT_NE(last_.body.find("alt=\"[PARENTDIR]\""), std::string::npos);
  EXPECT_EQ(last_.body.find(".hidden"), std::string::npos);
  compare("/list/sub/");
  compare("/");
  compare("/hdr/");
  EXPECT_NE(last_.body.find("<p>Header &amp; <b>bold</b></p>"), std::string::npos);
  compare("/withindex/");
  EXPECT_EQ(last_.body, "the index\n");
  // HEAD: the listing's status and type, no body.
  const std::string head = http_request("HEAD", "/list/");
  auto a = fetch(apache_.port(), head, true);
  auto t = fetch(tern_.port(), head, true);
  ASSERT_TRUE(a && t);
  EXPECT_EQ(t->status, a->status);
  EXPECT_EQ(headers_map(*t)["content-type"], headers_map(*a)["content-type"]);
  EXPECT_EQ(t->body, "");
}

TEST_F(AutoindexVersusApache, QueryStringsSortAndFilter) {
  start(kDebianAutoindex);
  for (const char* q : {"?C=N;O=D", "?C=M;O=A", "?C=M;O=D", "?C=S;O=A", "?C=S;O=D", "?C=D;O=A",
                        "?C=N&O=D", "?O=D", "?V=0", "?F=0", "?F=1", "?F=2;V=0", "?P=*.txt",
                        "?P=%2A.zip;C=S", "?C=X;O=D", "?P=", "?C=M;O=D;P=V*", "?garbage"}) {
    compare(std::string("/list/") + q);
    EXPECT_EQ(last_.status, 200);
  }
}

TEST_F(AutoindexVersusApache, FancyPreformattedListingWithOptions) {
  start(
      "IndexOptions FancyIndexing FoldersFirst IgnoreCase IconsAreLinks IconHeight IconWidth\n"
      "IndexIgnore .??* RCS\n"
      "AddIcon /icons/folder.gif ^^DIRECTORY^^\nAddIcon /icons/blank.gif ^^BLANKICON^^\n"
      "AddIconByType (TXT,/icons/text.gif) text/*\nDefaultIcon /icons/unknown.gif\n"
      "AddAlt \"Zip archive\" *.zip\nAddAlt folder ^^DIRECTORY^^\n"
      "AddDescription \"A C program\" prog.c\n"
      "AddDescription \"A very long description that httpd cuts at the width\" *.zip\n"
      "AddDescription \"<b>bold</b> and &amp; entity desc\" README\n"
      "HeaderName HEADER.html\nReadmeName README.html\nServerSignature On\n");
  compare("/list/");
  EXPECT_NE(last_.body.find("<pre><img src=\"/icons/blank.gif\" alt=\"Icon \" width=\"20\""),
            std::string::npos)
      << last_.body;
  EXPECT_NE(last_.body.find("A very long descriptio>\n"), std::string::npos) << last_.body;
  EXPECT_NE(last_.body.find("<address>"), std::string::npos);
  compare("/list/?C=D;O=D");
  compare("/list/?C=N;O=D");
  compare("/hdr/");
  compare("/list/sub/");
}

TEST_F(AutoindexVersusApache, TableWithSuppressedColumnsAndTextReadme) {
  TwinTree t(apache_.root().path() + "/htdocs", tern_.root().path() + "/htdocs");
  t.file("hdr/HEADER.txt", "Plain <header> & text\n", 1700000000);
  t.file("hdr/FOOTER.txt", "Plain footer\n", 1700000000);
  t.dir("hdr", 1700000600);
  start(
      "IndexOptions FancyIndexing HTMLTable SuppressSize SuppressDescription "
      "SuppressColumnSorting NameWidth=12 Charset=ISO-8859-1\n"
      "IndexOrderDefault Descending Date\n"
      "IndexIgnore .??*\nHeaderName HEADER.txt\nReadmeName FOOTER.txt\n"
      "<Location /list/sub>\nIndexOptions -HTMLTable +SuppressLastModified\n</Location>\n");
  compare("/hdr/");
  EXPECT_NE(last_.body.find("<pre>\nPlain &lt;header&gt; &amp; text\n</pre>"), std::string::npos)
      << last_.body;
  EXPECT_NE(last_.body.find("<pre>\nPlain footer\n</pre>"), std::string::npos);
  compare("/list/");
  EXPECT_NE(last_.body.find("<th>Last modified</th>"), std::string::npos) << last_.body;
  compare("/list/sub/");
  EXPECT_NE(last_.body.find("<pre>"), std::string::npos) << last_.body;
}

TEST_F(AutoindexVersusApache, PlainListAndStyleSheet) {
  start(
      "IndexStyleSheet /css/index.css\nIndexHeadInsert \"<meta name=\\\"x\\\" "
      "content=\\\"y\\\">\"\n"
      "IndexOptions HTMLTable FancyIndexing AddAltClass XHTML\n"
      "AddIconByType (TXT,/icons/text.gif) text/*\n");
  compare("/list/");
  EXPECT_NE(last_.body.find("<tr class=\"odd-txt\">"), std::string::npos) << last_.body;
  compare("/list/?F=1");
  compare("/list/?F=0");
  EXPECT_NE(last_.body.find("<ul>"), std::string::npos) << last_.body;
}

TEST_F(AutoindexVersusApache, SuppressedPreambleAndIgnoreReset) {
  start(
      "IndexOptions FancyIndexing SuppressHTMLPreamble\nIndexIgnore *.txt\n"
      "HeaderName HEADER.html\nReadmeName README.html\n"
      "<Location /list>\nIndexIgnoreReset ON\nIndexIgnore .??*\n</Location>\n");
  compare("/hdr/");
  EXPECT_EQ(last_.body.find("<!DOCTYPE"), std::string::npos) << last_.body;
  EXPECT_EQ(last_.body.find("one.txt"), std::string::npos) << last_.body;
  compare("/list/");
  EXPECT_NE(last_.body.find("a.txt"), std::string::npos) << last_.body;
  // httpd matches an IndexIgnore given in <Location /list> against file paths under
  // "/list" (its cmd->path), so here it hides nothing: .hidden is listed, as in httpd.
  EXPECT_NE(last_.body.find(".hidden"), std::string::npos) << last_.body;
}

TEST_F(AutoindexVersusApache, WithoutIndexesForbiddenWithHttpdsLogLine) {
  start(kDebianAutoindex);
  compare("/closed/");
  EXPECT_EQ(last_.status, 403);
  const std::string line =
      "AH01276: Cannot serve directory " + tern_.root().path() +
      "/htdocs/closed/: No matching DirectoryIndex (index.html) found, and server-generated "
      "directory index forbidden by Options directive";
  EXPECT_NE(tern_.read("logs/error_log").find(line), std::string::npos)
      << tern_.read("logs/error_log");
  EXPECT_NE(
      apache_.read("logs/error_log")
          .find("AH01276: Cannot serve directory " + apache_.root().path() + "/htdocs/closed/"),
      std::string::npos)
      << apache_.read("logs/error_log");
}

// Without mod_autoindex loaded httpd's default handler answers a directory 404 (AH00129);
// tern does too when its LoadModule lines leave autoindex_module out.
TEST(AutoindexModuleVersusApache, WithoutTheModuleADirectoryIsNotFound) {
  ASSERT_TRUE(ApacheServer::available());
  ApacheServer apache;
  Server tern;
  for (const std::string& root : {apache.root().path(), tern.root().path()}) {
    ::mkdir((root + "/htdocs/d").c_str(), 0755);
  }
  ASSERT_TRUE(apache.start("Options Indexes\n<IfModule mod_autoindex.c>\nNoSuch\n</IfModule>\n"))
      << apache.log();
  const std::string mods = kApacheModules;
  ASSERT_TRUE(tern.start_config([&](int port) {
    return "LoadModule mpm_event_module " + mods + "/mod_mpm_event.so\n" +
           "LoadModule dir_module " + mods + "/mod_dir.so\n" + "LoadModule authz_core_module " +
           mods + "/mod_authz_core.so\n" + "Listen 127.0.0.1:" + std::to_string(port) +
           "\nDocumentRoot htdocs\nErrorLog logs/error_log\nLogLevel info\n"
           "PidFile logs/tern.pid\nStartServers 1\nThreadsPerChild 4\n"
           "ServerName 127.0.0.1\nOptions Indexes\nDirectoryIndex index.html\n"
           "<IfModule mod_autoindex.c>\nNoSuch\n</IfModule>\n";
  })) << tern.log();
  const std::string req = http_request("GET", "/d/");
  auto a = fetch(apache.port(), req);
  auto t = fetch(tern.port(), req);
  ASSERT_TRUE(a && t);
  EXPECT_EQ(a->status, 404);
  EXPECT_EQ(t->status, a->status);
  EXPECT_NE(tern.read("logs/error_log")
                .find("AH00129: Attempt to serve directory: " + tern.root().path() + "/htdocs/d/"),
            std::string::npos)
      << tern.read("logs/error_log");
}

}  // namespace
}  // namespace tern::test
