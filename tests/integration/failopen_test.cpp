// Never fail open: `tern -t` and a running tern on httpd-style trees. With LoadModule
// lines only httpd's static modules and the loaded ones are active (Debian's
// <IfModule mod_mime.c>, <IfModule !mpm_prefork_module>); LoadModule of a module tern
// lacks is refused; every error of a tree is reported in one run.

#include <gtest/gtest.h>

#include <string>

#include "harness.h"

namespace tern::test {
namespace {

constexpr const char* kMods = "/usr/lib/apache2/modules/";

// A Debian-shaped tree: apache2.conf includes mods-enabled/*.load, then *.conf, then
// ports.conf, conf-enabled and sites-enabled, as Debian's does.
void write_debian_tree(TempDir& d) {
  d.write("htdocs/index.html", "x");
  d.write("logs/.keep", "");
  d.write("apache2.conf",
          "PidFile logs/apache2.pid\n"
          "Timeout 300\n"
          "KeepAlive On\n"
          "User nobody\n"
          "ErrorLog logs/error.log\n"
          "LogLevel warn\n"
          "IncludeOptional mods-enabled/*.load\n"
          "IncludeOptional mods-enabled/*.conf\n"
          "Include ports.conf\n"
          "LogFormat \"%h %l %u %t \\\"%r\\\" %>s %O\" common\n"
          "IncludeOptional conf-enabled/*.conf\n"
          "DocumentRoot htdocs\n");
  d.write("mods-enabled/mpm_event.load",
          std::string("LoadModule mpm_event_module ") + kMods + "mod_mpm_event.so\n");
  d.write("mods-enabled/mpm_event.conf",
          "<IfModule mpm_event_module>\n\tStartServers 2\n\tThreadsPerChild 25\n</IfModule>\n");
  d.write("mods-enabled/dir.load", std::string("LoadModule dir_module ") + kMods + "mod_dir.so\n");
  d.write("mods-enabled/dir.conf",
          "<IfModule mod_dir.c>\n\tDirectoryIndex index.html\n</IfModule>\n");
  // Not enabled (no mime.load): its .conf body must not be read. Debian leaves such
  // files in mods-available; here the block's NoSuchDirective proves it is skipped.
  d.write("conf-enabled/mime-like.conf",
          "<IfModule mod_mime.c>\n\tNoSuchDirective\n\tAddType text/plain .php\n</IfModule>\n");
  d.write("conf-enabled/serve-cgi-bin.conf",
          "<IfModule mod_alias.c>\n\t<IfModule mod_cgid.c>\n\t\tNoSuchDirective\n"
          "\t</IfModule>\n</IfModule>\n");
  d.write("conf-enabled/mutex.conf",
          "<IfModule !mpm_prefork_module>\nMutex default\n</IfModule>\n");
  d.write("ports.conf",
          "Listen 127.0.0.1:1\n<IfModule ssl_module>\n\tListen 443\n</IfModule>\n"
          "<IfModule mod_gnutls.c>\n\tListen 443\n</IfModule>\n");
}

ProcessResult check(TempDir& d) {
  return run_process({TERN_BINARY, "-t", "-d", d.path(), "-f", "apache2.conf"}, 60000);
}

TEST(FailOpen, DebianStyleTreePassesAndSkipsModulesNotLoaded) {
  TempDir d;
  write_debian_tree(d);
  ProcessResult r = check(d);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("Syntax OK"), std::string::npos) << r.output;
  // <IfModule !mpm_prefork_module> was read: its Mutex warns, once, with FILE:LINE.
  const std::string warning =
      d.path() + "/conf-enabled/mutex.conf:2: Mutex has no effect in tern: ";
  EXPECT_NE(r.output.find(warning), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("Mutex", r.output.find(warning) + warning.size()), std::string::npos)
      << r.output;

  // Enabling mime_module makes its block read (here: refused for NoSuchDirective).
  d.write("mods-enabled/mime.load",
          std::string("LoadModule mime_module ") + kMods + "mod_mime.so\n");
  r = check(d);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find(d.path() + "/conf-enabled/mime-like.conf:2: NoSuchDirective: "),
            std::string::npos)
      << r.output;
}

TEST(FailOpen, LoadModuleOfAModuleTernLacksIsRefused) {
  TempDir d;
  write_debian_tree(d);
  d.write("mods-enabled/php8.2.load",
          std::string("# Conflicts: mpm_event mpm_worker\nLoadModule php_module ") + kMods +
              "libphp8.2.so\n");
  d.write("mods-enabled/php8.2.conf",
          "<IfModule php_module>\n<FilesMatch \".+\\.ph(ar|p|tml)$\">\n"
          "SetHandler application/x-httpd-php\n</FilesMatch>\n</IfModule>\n");
  ProcessResult r = check(d);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  const std::string at = d.path() + "/mods-enabled/php8.2.load:2";
  EXPECT_NE(r.output.find(at + ": LoadModule: tern has no php_module (LoadModule at " + at + ")"),
            std::string::npos)
      << r.output;
  EXPECT_EQ(r.output.find("Syntax OK"), std::string::npos) << r.output;
}

TEST(FailOpen, CheckReportsEveryErrorOfTheTreeInOneRun) {
  TempDir full;
  write_debian_tree(full);
  full.write("conf-enabled/bad1.conf", "Timeout soon\n\nAddType text/plain .x\n");
  full.write("sites-enabled/bad2.conf", "KeepAlive maybe\n");
  full.write("apache2.conf",
             "BogusFirst here\nIncludeOptional mods-enabled/*.load\n"
             "IncludeOptional mods-enabled/*.conf\nInclude ports.conf\n"
             "IncludeOptional conf-enabled/*.conf\n"
             "IncludeOptional sites-enabled/*.conf\nDocumentRoot htdocs\n");
  ProcessResult r = check(full);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  const std::string p = full.path();
  for (const std::string& e :
       {p + "/apache2.conf:1: BogusFirst: Invalid command 'BogusFirst'",
        p + "/conf-enabled/bad1.conf:1: Timeout: ",
        p + "/conf-enabled/bad1.conf:3: AddType: Invalid command 'AddType', perhaps misspelled "
            "or defined by a module not included in the server configuration",
        p + "/sites-enabled/bad2.conf:1: KeepAlive: "}) {
    EXPECT_NE(r.output.find("tern: " + e), std::string::npos) << e << "\n" << r.output;
  }
  EXPECT_EQ(r.output.find("Syntax OK"), std::string::npos) << r.output;
}

// A running tern: a handler of a module no LoadModule names is not there (500, as
// httpd's "handler not found"), and is once its module is loaded.
TEST(FailOpen, HandlersOfModulesNotLoadedDoNotRun) {
  auto config = [](bool with_status) {
    return [with_status](int port) {
      std::string c = std::string("LoadModule mpm_event_module ") + kMods + "mod_mpm_event.so\n";
      if (with_status) c += std::string("LoadModule status_module ") + kMods + "mod_status.so\n";
      c += "Listen 127.0.0.1:" + std::to_string(port) +
           "\nDocumentRoot htdocs\nErrorLog logs/error_log\nPidFile logs/tern.pid\n"
           "StartServers 1\nThreadsPerChild 4\nMinSpareThreads 1\nMaxSpareThreads 8\n"
           "<Location /server-status>\nSetHandler server-status\n</Location>\n";
      return c;
    };
  };
  {
    Server s;
    ASSERT_TRUE(s.start_config(config(false))) << s.log();
    auto r = fetch(s.port(), "GET /server-status?auto HTTP/1.1\r\nHost: x\r\n\r\n");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 500);
    EXPECT_EQ(r->body.find("Total Accesses"), std::string::npos);
  }
  {
    Server s;
    ASSERT_TRUE(s.start_config(config(true))) << s.log();
    auto r = fetch(s.port(), "GET /server-status?auto HTTP/1.1\r\nHost: x\r\n\r\n");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_NE(r->body.find("Total Accesses"), std::string::npos) << r->body;
  }
}

// mod_mime's types and mod_dir's index file exist only when their modules are loaded.
TEST(FailOpen, MimeTypesAndDirectoryIndexFollowTheirModules) {
  auto config = [](bool loaded) {
    return [loaded](int port) {
      std::string c = std::string("LoadModule mpm_event_module ") + kMods + "mod_mpm_event.so\n";
      if (loaded)
        c += std::string("LoadModule mime_module ") + kMods + "mod_mime.so\n" +
             "LoadModule dir_module " + kMods + "mod_dir.so\n";
      c += "Listen 127.0.0.1:" + std::to_string(port) +
           "\nDocumentRoot htdocs\nErrorLog logs/error_log\nPidFile logs/tern.pid\n"
           "StartServers 1\nThreadsPerChild 4\nMinSpareThreads 1\nMaxSpareThreads 8\n";
      return c;
    };
  };
  for (bool loaded : {false, true}) {
    Server s;
    s.put("index.html", "<p>hi</p>\n");
    ASSERT_TRUE(s.start_config(config(loaded))) << s.log();
    auto file = fetch(s.port(), "GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n");
    ASSERT_TRUE(file);
    EXPECT_EQ(file->status, 200);
    EXPECT_EQ(file->body, "<p>hi</p>\n");
    if (loaded) {
      EXPECT_EQ(file->header("Content-Type").value_or(""), "text/html") << loaded;
    } else {
      EXPECT_FALSE(file->header("Content-Type")) << *file->header("Content-Type");
    }
    auto dir = fetch(s.port(), "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    ASSERT_TRUE(dir);
    // Without mod_dir and mod_autoindex httpd's default handler answers 404 (AH00129).
    EXPECT_EQ(dir->status, loaded ? 200 : 404) << loaded;
  }
}

}  // namespace
}  // namespace tern::test
