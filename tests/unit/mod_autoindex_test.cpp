// mod_autoindex through SiteHandler: which directories are listed, the listing's HTML
// (httpd's FancyIndexing/HTMLTable output), IndexIgnore, sorting, HeaderName/ReadmeName,
// the options' merge over sections, and the configuration errors.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <ctime>

#include "config_test_util.h"
#include "handlers/site_handler.h"
#include "modules/autoindex.h"

namespace tern {
namespace {

// httpd 2.4.71's listing DOCTYPE (DOCTYPE_HTML_4_01).
#define kDoctype                                         \
  "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01//EN\" " \
  "\"http://www.w3.org/TR/html4/strict.dtd\">\n"

class ModAutoindex : public testing::ConfigTest {
 protected:
  void SetUp() override {
    ::setenv("TZ", "UTC", 1);
    ::tzset();
    dir.mkdir("htdocs/list/sub");
    touch(dir.write("htdocs/list/a.txt", "hello"), 1700000000);
    touch(dir.write("htdocs/list/b.gz", std::string(2000, 'x')), 1700000060);
    touch(dir.write("htdocs/list/.hidden", ""), 1700000000);
    touch(dir.write("htdocs/list/file10", ""), 1700000000);
    touch(dir.write("htdocs/list/file9", ""), 1700000000);
    touch(dir.path() + "/htdocs/list/sub", 1700000120);
  }
  static void touch(const std::string& path, time_t t) {
    struct timespec ts[2] = {{t, 0}, {t, 0}};
    ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), ts, 0), 0) << path;
  }
  // The response SiteHandler gives for GET `target` under `conf`.
  Response get(const std::string& conf, const std::string& target) {
    auto c = ok("DocumentRoot " + dir.path() +
                "/htdocs\nTypesConfig /dev/null\n"
                "AddType text/plain .txt\nAddType application/x-gzip .gz\n" +
                conf);
    std::string error;
    auto h = SiteHandler::create(c, &error);
    EXPECT_TRUE(h) << error;
    Response resp;
    if (!h) return resp;
    Request req;
    req.method = Method::kGet;
    req.method_name = "GET";
    const size_t q = target.find('?');
    req.path = std::string_view(target).substr(0, q);
    if (q != std::string::npos) {
      req.query = std::string_view(target).substr(q + 1);
      req.has_query = true;
    }
    req.host = "example.com";
    RequestContext ctx{"192.0.2.7", 40000, "192.0.2.1", 80};
    h->handle(req, ctx, resp);
    return resp;
  }
  static std::string body(const Response& r) { return r.body_mem; }
};

TEST_F(ModAutoindex, WithoutIndexesADirectoryIsForbidden) {
  EXPECT_EQ(get("", "/list/").status, 403);
  EXPECT_EQ(get("Options Indexes\n", "/list/").status, 200);
  EXPECT_EQ(
      get("Options Indexes\n<Location /list>\nOptions -Indexes\n</Location>\n", "/list/").status,
      403);
}

TEST_F(ModAutoindex, PlainListingWithoutFancyIndexing) {
  Response r = get("Options Indexes\n", "/list/");
  EXPECT_EQ(r.header("Content-Type").value_or(""), "text/html;charset=ISO-8859-1");
  EXPECT_EQ(body(r), kDoctype
            "<html>\n <head>\n"
            "  <title>Index of /list</title>\n </head>\n <body>\n<h1>Index of /list</h1>\n"
            "<ul><li><a href=\"/\"> Parent Directory</a></li>\n"
            "<li><a href=\".hidden\"> .hidden</a></li>\n<li><a href=\"a.txt\"> a.txt</a></li>\n"
            "<li><a href=\"b.gz\"> b.gz</a></li>\n<li><a href=\"file10\"> file10</a></li>\n"
            "<li><a href=\"file9\"> file9</a></li>\n<li><a href=\"sub/\"> sub/</a></li>\n"
            "</ul>\n</body></html>\n");
}

TEST_F(ModAutoindex, DebianTableListing) {
  const std::string conf =
      "Options Indexes\n"
      "IndexOptions FancyIndexing VersionSort HTMLTable NameWidth=* DescriptionWidth=* "
      "Charset=UTF-8\n"
      "IndexIgnore .??* *~ *# RCS CVS *,v *,t\n"
      "AddIconByType (TXT,/icons/text.gif) text/*\n"
      "AddIcon /icons/compressed.gif .Z .z .tgz .gz .zip\n"
      "AddIcon /icons/back.gif ..\nAddIcon /icons/folder.gif ^^DIRECTORY^^\n"
      "AddIcon /icons/blank.gif ^^BLANKICON^^\nDefaultIcon /icons/unknown.gif\n"
      "AddDescription \"GZIP compressed\" .gz\n";
  Response r = get(conf, "/list/");
  EXPECT_EQ(r.header("Content-Type").value_or(""), "text/html;charset=UTF-8");
  EXPECT_EQ(body(r), kDoctype
            "<html>\n <head>\n"
            "  <title>Index of /list</title>\n </head>\n <body>\n<h1>Index of /list</h1>\n"
            "  <table>\n   <tr><th valign=\"top\"><img src=\"/icons/blank.gif\" alt=\"[ICO]\"></th>"
            "<th><a href=\"?C=N;O=D\">Name</a></th><th><a href=\"?C=M;O=A\">Last modified</a></th>"
            "<th><a href=\"?C=S;O=A\">Size</a></th><th><a href=\"?C=D;O=A\">Description</a></th>"
            "</tr>\n   <tr><th colspan=\"5\"><hr></th></tr>\n"
            "<tr><td valign=\"top\"><img src=\"/icons/back.gif\" alt=\"[PARENTDIR]\"></td>"
            "<td><a href=\"/\">Parent Directory</a></td><td>&nbsp;</td><td align=\"right\">  - "
            "</td><td>&nbsp;</td></tr>\n"
            "<tr><td valign=\"top\"><img src=\"/icons/text.gif\" alt=\"[TXT]\"></td>"
            "<td><a href=\"a.txt\">a.txt</a></td><td align=\"right\">2023-11-14 22:13  </td>"
            "<td align=\"right\">  5 </td><td>&nbsp;</td></tr>\n"
            "<tr><td valign=\"top\"><img src=\"/icons/compressed.gif\" alt=\"[   ]\"></td>"
            "<td><a href=\"b.gz\">b.gz</a></td><td align=\"right\">2023-11-14 22:14  </td>"
            "<td align=\"right\">2.0K</td><td>GZIP compressed</td></tr>\n"
            "<tr><td valign=\"top\"><img src=\"/icons/unknown.gif\" alt=\"[   ]\"></td>"
            "<td><a href=\"file9\">file9</a></td><td align=\"right\">2023-11-14 22:13  </td>"
            "<td align=\"right\">  0 </td><td>&nbsp;</td></tr>\n"
            "<tr><td valign=\"top\"><img src=\"/icons/unknown.gif\" alt=\"[   ]\"></td>"
            "<td><a href=\"file10\">file10</a></td><td align=\"right\">2023-11-14 22:13  </td>"
            "<td align=\"right\">  0 </td><td>&nbsp;</td></tr>\n"
            "<tr><td valign=\"top\"><img src=\"/icons/folder.gif\" alt=\"[DIR]\"></td>"
            "<td><a href=\"sub/\">sub/</a></td><td align=\"right\">2023-11-14 22:15  </td>"
            "<td align=\"right\">  - </td><td>&nbsp;</td></tr>\n"
            "   <tr><th colspan=\"5\"><hr></th></tr>\n</table>\n</body></html>\n");
}

TEST_F(ModAutoindex, FancyPreListingPadsNames) {
  Response r = get("Options Indexes\nIndexOptions FancyIndexing\nIndexIgnore .??* file*\n",
                   "/list/?C=S;O=D");
  EXPECT_EQ(body(r), kDoctype
            "<html>\n <head>\n"
            "  <title>Index of /list</title>\n </head>\n <body>\n<h1>Index of /list</h1>\n"
            "<pre>      <a href=\"?C=N;O=A\">Name</a>                    "
            "<a href=\"?C=M;O=A\">Last modified</a>      <a href=\"?C=S;O=A\">Size</a>  "
            "<a href=\"?C=D;O=A\">Description</a><hr>"
            "      <a href=\"/\">Parent Directory</a>                             -   \n"
            "      <a href=\"b.gz\">b.gz</a>                    2023-11-14 22:14  2.0K  \n"
            "      <a href=\"a.txt\">a.txt</a>                   2023-11-14 22:13    5   \n"
            "      <a href=\"sub/\">sub/</a>                    2023-11-14 22:15    -   \n"
            "<hr></pre>\n</body></html>\n");
}

TEST_F(ModAutoindex, QueryStringSortsAndFilters) {
  const std::string conf = "Options Indexes\nIndexOptions FancyIndexing HTMLTable\n";
  std::string b = body(get(conf, "/list/?C=M;O=D"));
  EXPECT_LT(b.find("sub/"), b.find("b.gz"));
  EXPECT_LT(b.find("b.gz"), b.find("a.txt"));
  EXPECT_NE(b.find("<a href=\"?C=M;O=A\">Last modified</a>"), std::string::npos);
  b = body(get(conf, "/list/?P=*.txt"));
  EXPECT_NE(b.find("a.txt"), std::string::npos);
  EXPECT_EQ(b.find("b.gz"), std::string::npos);
  EXPECT_NE(b.find("<a href=\"?C=N;O=D;P=*.txt\">"), std::string::npos);
  b = body(get(conf + "IndexOrderDefault Descending Name\n", "/list/"));
  EXPECT_LT(b.find("sub/"), b.find("a.txt"));
  // Incremental options apply when scopes merge (httpd's merge_autoindex_configs).
  b = body(get(conf + "<Location /list>\nIndexOptions +FoldersFirst\n</Location>\n", "/list/"));
  EXPECT_LT(b.find("sub/"), b.find("a.txt"));
  b = body(get(conf, "/list/?F=0"));
  EXPECT_NE(b.find("<ul>"), std::string::npos);
}

TEST_F(ModAutoindex, HeaderAndReadmeFiles) {
  dir.write("htdocs/list/HEADER.html", "<p>head & <b>bold</b></p>\n");
  dir.write("htdocs/list/README.txt", "read <me> & co\n");
  const std::string conf =
      "Options Indexes\nAddType text/html .html\nHeaderName HEADER.html\n"
      "ReadmeName README.txt\nIndexIgnore *.html *.txt *.gz file* .??*\nServerSignature On\n";
  const std::string b = body(get(conf, "/list/"));
  EXPECT_EQ(b, kDoctype
            "<html>\n <head>\n"
            "  <title>Index of /list</title>\n </head>\n <body>\n<p>head & <b>bold</b></p>\n"
            "<ul><li><a href=\"/\"> Parent Directory</a></li>\n"
            "<li><a href=\"sub/\"> sub/</a></li>\n</ul>\n"
            "<pre>\nread &lt;me&gt; &amp; co\n</pre>\n</body></html>\n");
  // Without a readme the ServerSignature line closes the page.
  EXPECT_NE(body(get("Options Indexes\nServerSignature On\n", "/list/")).find("<address>"),
            std::string::npos);
}

TEST_F(ModAutoindex, IncrementalOptionsMergeOverSections) {
  const std::string conf =
      "Options Indexes\nIndexOptions FancyIndexing HTMLTable SuppressSize\n"
      "<Location /list>\nIndexOptions -HTMLTable +SuppressLastModified\n</Location>\n";
  const std::string b = body(get(conf, "/list/"));
  EXPECT_NE(b.find("<pre>"), std::string::npos);
  EXPECT_EQ(b.find("Last modified"), std::string::npos);
  EXPECT_EQ(b.find(">Size<"), std::string::npos);
  const std::string reset =
      body(get(conf + "<Location /list/sub>\nIndexOptions SuppressDescription\n</Location>\n",
               "/list/sub/"));
  EXPECT_NE(reset.find("<ul>"), std::string::npos);  // non-incremental: no inheritance
}

TEST_F(ModAutoindex, EscapesNames) {
  dir.write("htdocs/list/x <&\">y", "");
  const std::string b = body(get("Options Indexes\n", "/list/"));
  EXPECT_NE(b.find("<li><a href=\"x%20%3c&amp;%22%3ey\"> x &lt;&amp;&quot;&gt;y</a></li>"),
            std::string::npos)
      << b;
}

TEST_F(ModAutoindex, ZeroWidthsDoNotBreakTheListing) {
  for (const char* opts : {"NameWidth=0 DescriptionWidth=0", "NameWidth=5 DescriptionWidth=12"}) {
    for (const char* form : {"", " HTMLTable"}) {
      const Response r = get(std::string("Options Indexes\nAddDescription \"some words\" a.txt\n"
                                         "IndexOptions FancyIndexing ") +
                                 opts + form + "\n",
                             "/list/");
      EXPECT_EQ(r.status, 200);
      EXPECT_NE(r.body_mem.find("</html>"), std::string::npos);
    }
  }
}

TEST_F(ModAutoindex, LargeDirectoriesAreBounded) {
  const std::string big = dir.mkdir("htdocs/big");
  for (size_t i = 0; i < kMaxListedEntries + 50; ++i) {
    const std::string p = big + "/f" + std::to_string(i);
    const int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    ASSERT_GE(fd, 0);
    ::close(fd);
  }
  const std::string b = body(get("Options Indexes\n", "/big/"));
  size_t items = 0;
  for (size_t pos = 0; (pos = b.find("<li>", pos)) != std::string::npos; ++pos) ++items;
  EXPECT_EQ(items, kMaxListedEntries + 1);  // the parent entry and the bound
}

TEST_F(ModAutoindex, ConfigurationErrors) {
  EXPECT_NE(err("IndexOptions ScanHTMLTitles\n").find("not supported by tern"), std::string::npos);
  EXPECT_NE(err("IndexOptions Bogus\n").find("Invalid directory indexing option"),
            std::string::npos);
  EXPECT_NE(err("IndexOptions +None\n").find("Cannot combine '+' or '-' with 'None'"),
            std::string::npos);
  EXPECT_NE(err("IndexOptions NameWidth=3\n").find("greater than 5"), std::string::npos);
  EXPECT_NE(err("IndexOrderDefault Up Name\n").find("'Ascending' or 'Descending'"),
            std::string::npos);
  EXPECT_NE(err("FancyIndexing on\n").find("no longer supported"), std::string::npos);
  EXPECT_NE(err("AddIcon (TXT /icons/x.gif) .txt\n").find("missing closing paren"),
            std::string::npos);
}

}  // namespace
}  // namespace tern
