#include <gtest/gtest.h>
#include <stdlib.h>

#include "config/config_loader.h"
#include "config_test_util.h"
#include "mime_config_util.h"
#include "modules/registry.h"

namespace tern {
namespace {

using testing::load;
using testing::TempDir;

class ConfigParser : public ::testing::Test {
 protected:
  LoadResult ok(const std::string& text, LoadOptions o = LoadOptions()) {
    LoadResult r = load(text, dir.path(), o);
    EXPECT_EQ(r.error, "");
    EXPECT_NE(r.config, nullptr);
    return r;
  }
  std::string err(const std::string& text, LoadOptions o = LoadOptions()) {
    LoadResult r = load(text, dir.path(), o);
    EXPECT_EQ(r.config, nullptr);
    return r.error;
  }
  TempDir dir;
};

TEST_F(ConfigParser, DirectiveNamesAreCaseInsensitive) {
  auto r = ok("keepalive off\nKEEPALIVETIMEOUT 7\n");
  EXPECT_FALSE(r.config->keep_alive);
  EXPECT_EQ(r.config->keep_alive_timeout.count(), 7000);
}

TEST_F(ConfigParser, UnknownDirectiveSuggestsClosest) {
  EXPECT_EQ(err("\nKeepAliveTimout 5\n"),
            "t.conf:2: KeepAliveTimout: Invalid command 'KeepAliveTimout', perhaps misspelled or "
            "defined by a module not included in the server configuration; did you mean "
            "'KeepAliveTimeout'?");
  EXPECT_EQ(err("Foo 1\n"),
            "t.conf:1: Foo: Invalid command 'Foo', perhaps misspelled or defined by a module not "
            "included in the server configuration");
  EXPECT_NE(err("Incldue x\n").find("did you mean 'Include'?"), std::string::npos);
  EXPECT_NE(err("<Locaton />\n</Locaton>\n")
                .find("t.conf:1: <Locaton>: Invalid command "
                      "'<Locaton'"),
            std::string::npos);
  EXPECT_NE(err("<Locaton />\n").find("did you mean '<Location'?"), std::string::npos);
}

TEST_F(ConfigParser, SectionWithoutClosingBracket) {
  EXPECT_EQ(err("<Location /a\n</Location>\n"),
            "t.conf:1: <Location>: directive missing closing '>'");
  EXPECT_EQ(err("<Location /a>\n</Location\n"),
            "t.conf:2: </Location>: directive missing closing '>'");
}

TEST_F(ConfigParser, MismatchedAndUnclosedSections) {
  EXPECT_EQ(err("<Location /a>\n<RequireAll>\nRequire all granted\n</Location>\n"),
            "t.conf:4: </Location>: Expected </RequireAll> but saw </Location>");
  EXPECT_EQ(err("KeepAlive On\n<Location /a>\nSetHandler x\n"),
            "t.conf:2: <Location>: <Location> was not closed");
  EXPECT_EQ(err("</Location>\n"),
            "t.conf:1: </Location>: </Location> without matching "
            "<Location> section");
  EXPECT_EQ(err("<IfDefine NOPE>\n</IfModule>\n"),
            "t.conf:2: </IfModule>: Expected </IfDefine> but saw </IfModule>");
  EXPECT_EQ(err("\n<IfDefine NOPE>\nFoo\n"), "t.conf:2: <IfDefine>: <IfDefine> was not closed");
  EXPECT_EQ(err("<IfDefine !NOPE>\n"), "t.conf:1: <IfDefine>: <IfDefine> was not closed");
}

TEST_F(ConfigParser, UnsupportedSectionsAreErrors) {
  EXPECT_EQ(err("\n<Proxy *>\n</Proxy>\n"), "t.conf:2: <Proxy>: <Proxy> is not supported by tern");
  EXPECT_EQ(err("<Limit GET>\n</Limit>\n"), "t.conf:1: <Limit>: <Limit> is not supported by tern");
}

TEST_F(ConfigParser, ContextIsEnforced) {
  EXPECT_EQ(err("<Location /a>\nListen 81\n</Location>\n"),
            "t.conf:2: Listen: Listen not allowed in <Location> context");
  EXPECT_EQ(err("<Location /a>\n<Location /b>\n</Location>\n</Location>\n"),
            "t.conf:2: <Location>: <Location not allowed in <Location> context");
  EXPECT_EQ(err("<Location /a>\n<RequireAll>\nSetHandler x\n</RequireAll>\n</Location>\n"),
            "t.conf:3: SetHandler: SetHandler not allowed in <RequireAll> context");
  // Conditionals are transparent: the context is the enclosing Location.
  EXPECT_EQ(err("<Location /a>\n<IfModule status_module>\nListen 81\n</IfModule>\n</Location>\n"),
            "t.conf:3: Listen: Listen not allowed in <Location> context");
}

TEST_F(ConfigParser, ArgumentCountErrors) {
  EXPECT_EQ(err("KeepAliveTimeout\n"),
            "t.conf:1: KeepAliveTimeout: KeepAliveTimeout takes one "
            "argument");
  EXPECT_EQ(err("ErrorDocument 404\n"),
            "t.conf:1: ErrorDocument: ErrorDocument takes two "
            "arguments");
  EXPECT_EQ(err("Listen 1 http x\n"), "t.conf:1: Listen: Listen takes one or two arguments");
  EXPECT_EQ(err("CustomLog x\n"), "t.conf:1: CustomLog: CustomLog takes two or three arguments");
  EXPECT_EQ(err("DirectoryIndex\n"),
            "t.conf:1: DirectoryIndex: DirectoryIndex requires at least "
            "one argument");
  EXPECT_EQ(err("AddType text/x\n"),
            "t.conf:1: AddType: AddType requires at least two "
            "arguments");
  EXPECT_EQ(err("KeepAlive yes\n"), "t.conf:1: KeepAlive: KeepAlive must be On or Off");
  EXPECT_EQ(err("<Location /a>\n<RequireAll x>\n</RequireAll>\n</Location>\n"),
            "t.conf:2: <RequireAll>: takes no arguments");
  EXPECT_EQ(err("Include\n"), "t.conf:1: Include: takes one argument");
  EXPECT_EQ(err("<IfDefine>\n</IfDefine>\n"), "t.conf:1: <IfDefine>: takes one argument");
  EXPECT_EQ(err("<IfModule !>\n</IfModule>\n"), "t.conf:1: <IfModule>: missing name");
}

TEST_F(ConfigParser, UnterminatedQuoteIsAnError) {
  EXPECT_EQ(err("\nServerName \"abc\n"), "t.conf:2: ServerName: unterminated double quote");
  EXPECT_EQ(err("<Location '/a>\n</Location>\n"),
            "t.conf:1: <Location>: unterminated single quote");
}

TEST_F(ConfigParser, DefineAndVariables) {
  auto r =
      ok("Define port 9090\nDefine name example.org\nListen ${port}\n"
         "ServerName ${name}:${port}\n");
  EXPECT_EQ(r.config->listens.back().port, 9090);
  EXPECT_EQ(r.config->server_name, "example.org:9090");
  EXPECT_EQ(err("\nServerName ${nope}\n"), "t.conf:2: ServerName: Variable 'nope' is undefined");
  EXPECT_EQ(err("Define a:b 1\n"), "t.conf:1: Define: Variable name must not contain ':'");
  EXPECT_EQ(err("Define\n"), "t.conf:1: Define: takes one or two arguments");
  EXPECT_EQ(err("Define A 1\nUnDefine A\nServerName ${A}\n"),
            "t.conf:3: ServerName: Variable 'A' is undefined");
  EXPECT_EQ(err("UnDefine\n"), "t.conf:1: UnDefine: takes one argument");
  // A Define without a value defines the name for <IfDefine> but not ${NAME}.
  EXPECT_EQ(err("Define FLAG\nServerName ${FLAG}\n"),
            "t.conf:2: ServerName: Variable 'FLAG' is undefined");
}

TEST_F(ConfigParser, VariablesFallBackToEnvironment) {
  ::setenv("TERN_TEST_ENV_PORT", "7070", 1);
  auto r = ok("Listen ${TERN_TEST_ENV_PORT}\n");
  EXPECT_EQ(r.config->listens.back().port, 7070);
  ::unsetenv("TERN_TEST_ENV_PORT");
}

TEST_F(ConfigParser, IfDefineWithNegationAndCommandLineDefines) {
  LoadOptions o;
  o.defines = {"PROD", "PORT=8181"};
  auto r =
      ok("<IfDefine PROD>\nKeepAlive Off\n</IfDefine>\n"
         "<IfDefine !PROD>\nThis would be an error\n</IfDefine>\n"
         "<IfDefine !DEV>\nMaxKeepAliveRequests 7\n</IfDefine>\nListen ${PORT}\n",
         o);
  EXPECT_FALSE(r.config->keep_alive);
  EXPECT_EQ(r.config->max_keep_alive_requests, 7);
  EXPECT_EQ(r.config->listens.back().port, 8181);
  r =
      ok("Define X\n<IfDefine X>\nTimeout 9\n</IfDefine>\nUnDefine X\n"
         "<IfDefine X>\nTimeout 10\n</IfDefine>\n");
  EXPECT_EQ(r.config->timeout.count(), 9000);
}

TEST_F(ConfigParser, SkippedSectionsIgnoreEverythingNested) {
  auto r =
      ok("<IfDefine NOPE>\n<Directory />\nDefine X 1\nInclude /nonexistent\n</Directory>\n"
         "${UNDEFINED}\n</IfDefine>\nTimeout 3\n");
  EXPECT_EQ(r.config->timeout.count(), 3000);
}

TEST_F(ConfigParser, IfModuleKnowsTernModules) {
  auto r =
      ok("<IfModule mod_mime.c>\nAddType text/x-a a\n</IfModule>\n"
         "<IfModule status_module>\nExtendedStatus Off\n</IfModule>\n"
         "<IfModule !mpm_event_module>\nTimeout 1\n</IfModule>\n"
         "<IfModule proxy_module>\nTimeout 2\n</IfModule>\n"
         "<IfModule !mod_proxy.c>\nMaxRanges 5\n</IfModule>\n");
  EXPECT_EQ(testing::server_added_types(*r.config).at("a"), "text/x-a");
  EXPECT_FALSE(r.config->extended_status);
  EXPECT_EQ(r.config->timeout.count(), 60000);
  EXPECT_EQ(r.config->max_ranges, 5);
}

TEST(ConfigModules, KnownModuleNames) {
  for (const char* m :
       {"mpm_event_module",  "core_module",       "http_module",      "mime_module",
        "dir_module",        "log_config_module", "status_module",    "authz_core_module",
        "authz_host_module", "reqtimeout_module", "mod_mime.c",       "mod_dir.c",
        "mod_log_config.c",  "mod_status.c",      "mod_authz_core.c", "mod_authz_host.c",
        "mod_reqtimeout.c",  "mod_mpm_event.c",   "event.c",          "core.c",
        "http_core.c",       "alias_module",      "mod_cgid.c",       "cgi_module",
        "so_module",         "mod_so.c",          "logio_module",     "mod_logio.c"})
    EXPECT_TRUE(is_known_module(m)) << m;
  for (const char* m : {"mod_version.c", "watchdog_module", "proxy_module", "mod_proxy.c", "mime",
                        "mod_.c", "Mime_module", ""})
    EXPECT_FALSE(is_known_module(m)) << m;
}

TEST_F(ConfigParser, NestedConditionals) {
  auto r =
      ok("<IfModule mime_module>\n<IfDefine !X>\n<IfModule !nope_module>\nTimeout 4\n"
         "</IfModule>\n</IfDefine>\n</IfModule>\n");
  EXPECT_EQ(r.config->timeout.count(), 4000);
}

TEST_F(ConfigParser, IncludeWithGlobsInOrder) {
  dir.write("conf.d/20-b.conf", "Timeout 20\nAddType text/b b\n");
  dir.write("conf.d/10-a.conf", "Timeout 10\nAddType text/a a\n");
  dir.write("conf.d/readme.txt", "garbage here\n");
  auto r = ok("Include conf.d/*.conf\n");
  EXPECT_EQ(r.config->timeout.count(), 20000);  // 20-b read last
  EXPECT_EQ(testing::server_added_types(*r.config).size(), 2u);
}

TEST_F(ConfigParser, IncludeErrorsNameTheIncludedFile) {
  const std::string inc = dir.write("inc/bad.conf", "KeepAlive On\n\nBogus 1\n");
  EXPECT_EQ(err("Include inc/bad.conf\n").substr(0, inc.size() + 16), inc + ":3: Bogus: Inval");
  const std::string open = dir.write("inc/open.conf", "<Location /x>\n");
  EXPECT_EQ(err("Include " + open + "\n</Location>\n"),
            open + ":1: <Location>: <Location> was not closed");
}

TEST_F(ConfigParser, SectionsMustNotSpanFiles) {
  dir.write("close.conf", "</Location>\n");
  const std::string e = err("<Location /a>\nInclude close.conf\n</Location>\n");
  EXPECT_EQ(e, dir.path() +
                   "/close.conf:1: </Location>: </Location> without matching "
                   "<Location> section");
}

TEST_F(ConfigParser, IncludeMissingFileAndWildcards) {
  EXPECT_EQ(err("\nInclude missing.conf\n"),
            "t.conf:2: Include: could not open configuration file " + dir.path() +
                "/missing.conf: No such file or directory");
  dir.mkdir("empty");
  EXPECT_EQ(err("Include empty/*.conf\n"),
            "t.conf:1: Include: No matches for the wildcard '*.conf' in '" + dir.path() +
                "/empty', failing");
  auto r =
      ok("IncludeOptional empty/*.conf\nIncludeOptional missing.conf\n"
         "IncludeOptional nodir/*/x.conf\nTimeout 5\n");
  EXPECT_EQ(r.config->timeout.count(), 5000);
}

TEST_F(ConfigParser, IncludeWildcardInDirectoryPart) {
  dir.write("sites/a/x.conf", "AddType text/a a\n");
  dir.write("sites/b/x.conf", "AddType text/b b\n");
  auto r = ok("Include sites/*/x.conf\n");
  EXPECT_EQ(testing::server_added_types(*r.config).size(), 2u);
}

TEST_F(ConfigParser, IncludeDirectoryReadsAllFilesSorted) {
  dir.write("d/b", "Timeout 2\n");
  dir.write("d/a", "Timeout 1\n");
  dir.write("d/sub/c", "MaxRanges 3\n");
  auto r = ok("Include d\n");
  EXPECT_EQ(r.config->timeout.count(), 2000);
  EXPECT_EQ(r.config->max_ranges, 3);
}

TEST_F(ConfigParser, IncludeRecursionIsLimited) {
  dir.write("self.conf", "Include self.conf\n");
  const std::string e = err("Include self.conf\n");
  EXPECT_NE(e.find("self.conf:1: Include: Exceeded the maximum include nesting level of 128"),
            std::string::npos)
      << e;
}

TEST_F(ConfigParser, ServerRootAffectsLaterRelativePaths) {
  const std::string other = dir.mkdir("other");
  dir.write("other/inc.conf", "Timeout 8\n");
  dir.mkdir("other/run");
  auto r = ok("ServerRoot " + other + "\nInclude inc.conf\nPidFile run/p.pid\n");
  EXPECT_EQ(r.config->server_root, other);
  EXPECT_EQ(r.config->timeout.count(), 8000);
  EXPECT_EQ(r.config->pid_file, other + "/run/p.pid");
}

TEST_F(ConfigParser, PreDirectivesComeFirstAndReportCommandLine) {
  LoadOptions o;
  o.pre_directives = {"Timeout 11", "Bogus"};
  const std::string e = err("Timeout 12\n", o);
  // load() prepends "Listen 8080" as the first -C line.
  EXPECT_EQ(e.substr(0, 30), "(command line):3: Bogus: Inval");
  o.pre_directives = {"Timeout 11"};
  EXPECT_EQ(ok("", o).config->timeout.count(), 11000);
  EXPECT_EQ(ok("Timeout 12\n", o).config->timeout.count(), 12000);
}

TEST_F(ConfigParser, LoadConfigReadsFileRelativeToServerRoot) {
  dir.mkdir("htdocs");
  dir.write("conf/tern.conf", "Listen 8081\nDocumentRoot htdocs\n");
  LoadOptions o;
  o.server_root = dir.path();
  LoadResult r = load_config(o);
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.config->config_file, dir.path() + "/conf/tern.conf");
  EXPECT_EQ(r.config->document_root, dir.path() + "/htdocs");
  o.config_file = "conf/missing.conf";
  r = load_config(o);
  EXPECT_EQ(r.config, nullptr);
  EXPECT_EQ(r.error, "(command line):0: -f: could not open configuration file " + dir.path() +
                         "/conf/missing.conf: No such file or directory");
}

TEST_F(ConfigParser, BadServerRootOnCommandLine) {
  LoadOptions o;
  o.server_root = dir.path() + "/nope";
  LoadResult r = load_config_text("Listen 1\n", "t.conf", o);
  EXPECT_EQ(r.error, "(command line):0: ServerRoot: ServerRoot must be a valid directory ('" +
                         dir.path() + "/nope')");
}

TEST_F(ConfigParser, MissingListenIsAnError) {
  LoadOptions o;
  o.server_root = dir.path();
  LoadResult r = load_config_text("Timeout 5\nKeepAlive On\n", "t.conf", o);
  EXPECT_EQ(r.config, nullptr);
  EXPECT_EQ(r.error,
            "t.conf:2: Listen: no listening sockets available, shutting down (add a "
            "Listen directive)");
}

}  // namespace
}  // namespace tern

namespace tern {
namespace {

// A configuration written the way httpd's stock httpd.conf is.
TEST(ConfigEndToEnd, HttpdStyleFile) {
  testing::TempDir dir;
  dir.mkdir("htdocs");
  dir.mkdir("logs");
  dir.write("conf/mime.types", "text/html html\n");
  dir.write("conf/extra/status.conf",
            "<Location \"/server-status\">\n"
            "    SetHandler server-status\n"
            "    Require ip 127.0.0.1 ::1\n"
            "</Location>\n");
  dir.write("conf/tern.conf",
            "# tern\n"
            "Define SRVROOT \"" +
                dir.path() +
                "\"\n"
                "ServerRoot \"${SRVROOT}\"\n"
                "LoadModule mpm_event_module modules/mod_mpm_event.so\n"
                "LoadModule dir_module modules/mod_dir.so\n"
                "LoadModule mime_module modules/mod_mime.so\n"
                "LoadModule authz_core_module modules/mod_authz_core.so\n"
                "LoadModule authz_host_module modules/mod_authz_host.so\n"
                "LoadModule status_module modules/mod_status.so\n"
                "Listen 8080\n"
                "<IfModule mpm_event_module>\n"
                "    StartServers             2\n"
                "    ThreadsPerChild         25\n"
                "    MaxRequestWorkers      150\n"
                "</IfModule>\n"
                "<IfModule log_config_module>\n"
                "    LogFormat \"%h %l %u %t \\\"%r\\\" %>s %b\" common\n"
                "    CustomLog \"logs/access_log\" common\n"
                "</IfModule>\n"
                "<IfModule dir_module>\n"
                "    DirectoryIndex index.html \\\n"
                "                   index.htm\n"
                "</IfModule>\n"
                "<IfModule mime_module>\n"
                "    TypesConfig conf/mime.types\n"
                "    AddType application/x-compress .Z\n"
                "</IfModule>\n"
                "DocumentRoot \"htdocs\"\n"
                "ErrorLog \"logs/error_log\"\n"
                "LogLevel warn\n"
                "IncludeOptional conf/extra/*.conf\n");
  LoadOptions o;
  o.server_root = dir.path();
  LoadResult r = load_config(o);
  ASSERT_EQ(r.error, "");
  const Config& c = *r.config;
  EXPECT_EQ(c.server_root, dir.path());
  EXPECT_EQ(c.listens.size(), 1u);
  EXPECT_EQ(c.start_servers, 2);
  EXPECT_EQ(c.max_request_workers, 150);
  ASSERT_EQ(c.custom_logs.size(), 1u);
  EXPECT_EQ(c.custom_logs[0].path, dir.path() + "/logs/access_log");
  EXPECT_EQ(c.custom_logs[0].format, "%h %l %u %t \"%r\" %>s %b");
  EXPECT_EQ(c.directory_index, (std::vector<std::string>{"index.html", "index.htm"}));
  EXPECT_EQ(c.types_config, dir.path() + "/conf/mime.types");
  EXPECT_EQ(testing::server_added_types(c).at("z"), "application/x-compress");
  EXPECT_EQ(c.document_root, dir.path() + "/htdocs");
  EXPECT_EQ(c.error_log, dir.path() + "/logs/error_log");
  ASSERT_EQ(c.sections.size(), 1u);
  EXPECT_EQ(c.sections[0].file, dir.path() + "/conf/extra/status.conf");
  EXPECT_EQ(c.sections[0].require->ips, (std::vector<std::string>{"127.0.0.1", "::1"}));
  EXPECT_EQ(c.warnings, std::vector<std::string>{});
  // LoadModule activates the modules named (and httpd's static ones), nothing else.
  EXPECT_TRUE(module_enabled(c.active_modules, "mime_module"));
  EXPECT_TRUE(module_enabled(c.active_modules, "log_config_module"));
  EXPECT_FALSE(module_enabled(c.active_modules, "alias_module"));
}

}  // namespace
}  // namespace tern
