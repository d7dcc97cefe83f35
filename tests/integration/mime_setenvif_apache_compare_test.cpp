// mod_mime (multiple extensions, AddLanguage/AddCharset/AddEncoding, ForceType,
// RemoveType), core's AddDefaultCharset, AddHandler + ExecCGI, and mod_setenvif (to
// %{VAR}e, a CGI's environment, CustomLog env=, nokeepalive, force-response-1.0)
// compared with Debian's apache2 on the same configuration in the same test.

#include <sys/stat.h>

#include <algorithm>

#include <gtest/gtest.h>

#include "apache_harness.h"

namespace tern::test {
namespace {

class MimeSetEnvIfVersusApache : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(ApacheServer::available())
        << "apache2-bin is missing: scripts/deps.sh test installs it";
  }

  // Writes `rel` under both DocumentRoots.
  void put(const std::string& rel, const std::string& content, mode_t mode = 0644) {
    ::chmod(apache_.put(rel, content).c_str(), mode);
    ::chmod(tern_.put(rel, content).c_str(), mode);
  }

  // Starts both with `directives` (apache also loads mod_setenvif).
  void start(const std::string& directives) {
    const std::string alias = "ScriptAlias /cgi-bin/ " + apache_.cgi_dir() + "/\n";
    start_both(apache_, tern_,
               "LoadModule setenvif_module " + std::string(kApacheModules) + "/mod_setenvif.so\n",
               "", alias + directives);
  }

  std::pair<Response, Response> both(const std::string& target,
                                     const std::vector<std::string>& headers = {}) {
    const std::string req = http_request("GET", target, headers);
    auto a = fetch(apache_.port(), req);
    auto t = fetch(tern_.port(), req);
    EXPECT_TRUE(a) << apache_.log();
    EXPECT_TRUE(t) << tern_.log();
    return {a.value_or(Response{}), t.value_or(Response{})};
  }

  // Status and the content metadata headers of `target` are the same on both.
  void expect_same_meta(const std::string& target) {
    auto [a, t] = both(target);
    auto ha = headers_map(a);
    auto ht = headers_map(t);
    EXPECT_EQ(t.status, a.status) << target;
    for (const char* h : {"content-type", "content-language", "content-encoding"})
      EXPECT_EQ(ht[h], ha[h]) << target << " " << h;
  }

  ApacheServer apache_;
  Server tern_;
};

TEST_F(MimeSetEnvIfVersusApache, ContentMetadataFromEveryExtension) {
  for (const char* f :
       {"m/page.html.en", "m/page.fr.html",    "m/page.en.fr.html", "m/a.tar.gz",
        "m/doc.utf8.txt", "m/doc.txt.utf8",    "m/x.foo",           "m/plain",
        "m/.html",        "m/both.html.gz.en", "m/README.TXT",      "r/x.foo",
        "r/a.tar.gz",     "f/image.png",       "r/i.png",           "r/s.html.en",
        "f/page.html.en", "c/page.html",       "c/doc.txt",         "c/doc.utf8.txt",
        "c/img.png",      "on/page.html",      "d/page.html",       "d/page.html.fr"})
    put(f, "content\n");
  start(
      "AddLanguage en .en\nAddLanguage fr .fr\nAddCharset UTF-8 .utf8\n"
      "AddEncoding x-gzip .gz\nAddType text/x-foo .foo\n"
      "<Location /r/>\nRemoveType .foo .gz .png\nRemoveEncoding .gz\n"
      "RemoveType .en\n</Location>\n"
      "<Location /f/>\nForceType text/plain\n</Location>\n"
      "<Location /c/>\nAddDefaultCharset utf-8\n</Location>\n"
      "<Location /on/>\nAddDefaultCharset On\n</Location>\n"
      "<Location /d/>\nDefaultLanguage de\n</Location>\n");
  for (const char* p :
       {"/m/page.html.en", "/m/page.fr.html",    "/m/page.en.fr.html", "/m/a.tar.gz",
        "/m/doc.utf8.txt", "/m/doc.txt.utf8",    "/m/x.foo",           "/m/plain",
        "/m/.html",        "/m/both.html.gz.en", "/m/README.TXT",      "/r/x.foo",
        "/r/a.tar.gz",     "/f/image.png",       "/r/i.png",           "/r/s.html.en",
        "/f/page.html.en", "/c/page.html",       "/c/doc.txt",         "/c/doc.utf8.txt",
        "/c/img.png",      "/on/page.html",      "/d/page.html",       "/d/page.html.fr"})
    expect_same_meta(p);
  // A sample of what both say, so that agreeing on nothing cannot pass.
  auto [a, t] = both("/m/both.html.gz.en");
  EXPECT_EQ(headers_map(t)["content-language"], "en");
  EXPECT_EQ(headers_map(t)["content-encoding"], "x-gzip");
  auto [ca, ct] = both("/c/page.html");
  EXPECT_EQ(headers_map(ct)["content-type"], "text/html; charset=utf-8");
}

TEST_F(MimeSetEnvIfVersusApache, AddHandlerCgiNeedsExecCgi) {
  put("x/s.cgi", kSortedEnvScript, 0755);
  put("y/s.cgi", kSortedEnvScript, 0755);
  put("y/sub/index.cgi", kSortedEnvScript, 0755);
  put("z/index.html.en", "<p>en</p>\n");
  start(
      "AddHandler cgi-script .cgi\nAddLanguage en .en\n"
      "DirectoryIndex index.html index.cgi index.html.en\n"
      "<Location /y/>\nOptions +ExecCGI\n</Location>\n");
  auto [a, t] = both("/x/s.cgi");
  EXPECT_EQ(a.status, 403);
  EXPECT_EQ(t.status, 403);
  const std::string line = "AH01262: stderr from " + tern_.root().path() +
                           "/htdocs/x/s.cgi: Options ExecCGI is off in this directory";
  const std::string aline = "AH01262: stderr from " + apache_.root().path() +
                            "/htdocs/x/s.cgi: Options ExecCGI is off in this directory";
  EXPECT_TRUE(wait_until([&] {
    return apache_.read("logs/error_log").find(aline) != std::string::npos;
  })) << apache_.log();
  EXPECT_NE(tern_.read("logs/error_log").find(line), std::string::npos) << tern_.log();
  auto [a2, t2] = both("/y/s.cgi");
  EXPECT_EQ(a2.status, 200) << apache_.log();
  EXPECT_EQ(t2.status, 200) << tern_.log();
  EXPECT_EQ(parse_env(t2.body)["SCRIPT_NAME"], parse_env(a2.body)["SCRIPT_NAME"]);
  // A DirectoryIndex file is typed as itself: an AddHandler'd index runs as a script.
  auto [a3, t3] = both("/y/sub/");
  EXPECT_EQ(a3.status, 200) << apache_.log();
  EXPECT_EQ(t3.status, 200) << tern_.log();
  EXPECT_EQ(parse_env(t3.body)["SCRIPT_NAME"], parse_env(a3.body)["SCRIPT_NAME"]);
  EXPECT_EQ(parse_env(t3.body)["SCRIPT_NAME"], "/y/sub/index.cgi");
  auto [a4, t4] = both("/z/");
  EXPECT_EQ(t4.status, a4.status);
  EXPECT_EQ(headers_map(t4)["content-type"], headers_map(a4)["content-type"]);
  EXPECT_EQ(headers_map(t4)["content-language"], headers_map(a4)["content-language"]);
  EXPECT_EQ(headers_map(t4)["content-language"], "en");
}

TEST_F(MimeSetEnvIfVersusApache, SetEnvIfReachesLogCgiAndCustomLogEnv) {
  apache_.put_script("env.sh", kSortedEnvScript);
  const std::string fmt = "\"%{TESTER_VER}e|%{XT}e|%{IN_SCRIPT}e|%{BYADDR}e|%>s\"";
  apache_.put_script("ctype.sh", "#!/bin/sh\nprintf 'Content-Type: text/html\\r\\n\\r\\nx\\n'\n");
  start(
      "AddDefaultCharset On\n"
      "SetEnvIf User-Agent \"^tester/(\\d+)\" TESTER_VER=$1 IS_TESTER\n"
      "SetEnvIfNoCase X-Test ^yes$ XT\n"
      "SetEnvIf Remote_Addr ^127\\. BYADDR=loop\n"
      "SetEnvIf Request_Method . !BYADDR\n"
      "SetEnvIf Request_Method ^GET$ BYADDR=again\n"
      "<Location /cgi-bin/>\nSetEnvIf Request_URI \"env\\.sh$\" IN_SCRIPT=yes\n</Location>\n"
      "LogFormat " +
      fmt +
      " sefmt\n"
      "CustomLog logs/se_log sefmt\n"
      "CustomLog logs/only_log sefmt env=IS_TESTER\n"
      "CustomLog logs/not_log sefmt env=!IS_TESTER\n");
  auto [a, t] = both("/cgi-bin/env.sh", {"User-Agent: tester/42", "X-Test: YES"});
  ASSERT_EQ(a.status, 200) << apache_.log();
  ASSERT_EQ(t.status, 200) << tern_.log();
  auto ea = parse_env(a.body);
  auto et = parse_env(t.body);
  for (const char* k : {"TESTER_VER", "IS_TESTER", "XT", "IN_SCRIPT", "BYADDR"}) {
    ASSERT_TRUE(ea.count(k)) << k << "\n" << a.body;
    EXPECT_EQ(et[k], ea[k]) << k;
  }
  both("/missing", {"User-Agent: other"});
  // AddDefaultCharset applies to a script's text/html as to a file's.
  auto [ca, ct] = both("/cgi-bin/ctype.sh");
  EXPECT_EQ(headers_map(ca)["content-type"], "text/html; charset=iso-8859-1");
  EXPECT_EQ(headers_map(ct)["content-type"], headers_map(ca)["content-type"]);
  auto la = wait_lines([&] { return apache_.read("logs/se_log"); }, 3);
  auto lt = wait_lines([&] { return tern_.read("logs/se_log"); }, 3);
  ASSERT_EQ(la.size(), 3u);
  // A CGI response is logged when the script is done: the order may differ.
  std::sort(la.begin(), la.end());
  std::sort(lt.begin(), lt.end());
  EXPECT_EQ(la[2], "42|1|yes|again|200");
  EXPECT_EQ(lt, la);
  auto oa = wait_lines([&] { return apache_.read("logs/only_log"); }, 1);
  auto na = wait_lines([&] { return apache_.read("logs/not_log"); }, 2);
  ASSERT_EQ(oa.size(), 1u);
  ASSERT_EQ(na.size(), 2u);
  auto nt = wait_lines([&] { return tern_.read("logs/not_log"); }, 2);
  std::sort(na.begin(), na.end());
  std::sort(nt.begin(), nt.end());
  EXPECT_EQ(wait_lines([&] { return tern_.read("logs/only_log"); }, 1), oa);
  EXPECT_EQ(nt, na);
}

TEST_F(MimeSetEnvIfVersusApache, BrowserMatchSpecialVariables) {
  put("k.html", "<p>k</p>\n");
  start(
      "BrowserMatch ^nokeep nokeepalive\n"
      "BrowserMatch ^old/ force-response-1.0\n"
      "BrowserMatchNoCase ^DOWN/ downgrade-1.0 force-response-1.0\n");
  for (int port : {apache_.port(), tern_.port()}) {
    SCOPED_TRACE(port == apache_.port() ? "apache" : "tern");
    {
      Client c(port);
      ASSERT_TRUE(c.send("GET /k.html HTTP/1.1\r\nHost: x\r\nUser-Agent: nokeep/1\r\n\r\n"));
      auto r = c.read_response();
      ASSERT_TRUE(r);
      EXPECT_EQ(r->status, 200);
      EXPECT_EQ(headers_map(*r)["connection"], "close");
      EXPECT_TRUE(c.wait_closed(10000));
    }
    {
      Client c(port);
      ASSERT_TRUE(c.send("GET /k.html HTTP/1.1\r\nHost: x\r\nUser-Agent: other\r\n\r\n"));
      auto r = c.read_response();
      ASSERT_TRUE(r);
      EXPECT_EQ(headers_map(*r)["connection"], "");  // kept alive
    }
    {
      Client c(port);
      ASSERT_TRUE(
          c.send("GET /k.html HTTP/1.0\r\nConnection: keep-alive\r\nUser-Agent: old/1\r\n\r\n"));
      auto r = c.read_response();
      ASSERT_TRUE(r);
      EXPECT_EQ(r->status_line.substr(0, 13), "HTTP/1.0 200 ");
      EXPECT_TRUE(c.wait_closed(10000));
    }
    {
      Client c(port);
      ASSERT_TRUE(c.send("GET /k.html HTTP/1.1\r\nHost: x\r\nUser-Agent: down/1\r\n\r\n"));
      auto r = c.read_response();
      ASSERT_TRUE(r);
      EXPECT_EQ(r->status_line.substr(0, 13), "HTTP/1.0 200 ");
      EXPECT_TRUE(c.wait_closed(10000));
    }
    {
      Client c(port);  // force-response-1.0 leaves an HTTP/1.1 request alone
      ASSERT_TRUE(c.send("GET /k.html HTTP/1.1\r\nHost: x\r\nUser-Agent: old/1\r\n\r\n"));
      auto r = c.read_response();
      ASSERT_TRUE(r);
      EXPECT_EQ(r->status_line.substr(0, 13), "HTTP/1.1 200 ");
    }
  }
}

}  // namespace
}  // namespace tern::test
