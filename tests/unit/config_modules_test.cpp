// Modules are active as in httpd: with LoadModule lines, httpd's static set plus the
// modules named; without any, every built-in module. <IfModule> and directives follow
// that set; LoadModule of a module tern lacks, and a directive of an inactive module,
// are errors; the ignored directives warn once; every error is reported in one run.

#include <gtest/gtest.h>

#include "config/config_loader.h"
#include "config_test_util.h"
#include "mime_config_util.h"
#include "modules/registry.h"

namespace tern {
namespace {

constexpr const char* kMpm =
    "LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so\n";

class ConfigModulesTest : public ::testing::Test {
 protected:
  // Loads `text` as t.conf (no -C lines, so LoadModule can come first).
  LoadResult load(const std::string& text) {
    LoadOptions o;
    o.server_root = dir.path();
    return load_config_text(text, "t.conf", o);
  }
  testing::TempDir dir;
};

TEST_F(ConfigModulesTest, WithoutLoadModuleEveryModuleIsActive) {
  LoadResult r = load("Listen 8080\n<IfModule mod_mime.c>\nAddType text/x-a .a\n</IfModule>\n");
  ASSERT_EQ(r.error, "");
  EXPECT_TRUE(r.config->active_modules.empty());
  EXPECT_EQ(testing::server_added_types(*r.config).at("a"), "text/x-a");
  for (const Module* m : all_modules())
    EXPECT_TRUE(module_enabled(r.config->active_modules, m->name)) << m->name;
}

TEST_F(ConfigModulesTest, LoadModuleActivatesOnlyStaticAndNamedModules) {
  LoadResult r = load(std::string(kMpm) +
                      "Listen 8080\n"
                      "<IfModule mod_mime.c>\nNoSuchDirective\nAddType text/x-a .a\n</IfModule>\n"
                      "<IfModule mime_module>\nNoSuchDirective\n</IfModule>\n"
                      "<IfModule !mpm_prefork_module>\nTimeout 7\n</IfModule>\n"
                      "<IfModule !mpm_event_module>\nNoSuchDirective\n</IfModule>\n"
                      "<IfModule mod_mpm_event.c>\nKeepAliveTimeout 3\n</IfModule>\n"
                      "<IfModule log_config_module>\nLogFormat %h short\n</IfModule>\n"
                      "<IfModule mod_logio.c>\nMaxKeepAliveRequests 9\n</IfModule>\n"
                      "<IfModule mod_version.c>\nNoSuchDirective\n</IfModule>\n"
                      "<IfModule proxy_module>\nNoSuchDirective\n</IfModule>\n");
  ASSERT_EQ(r.error, "");
  const Config& c = *r.config;
  EXPECT_TRUE(testing::server_added_types(c).empty());
  EXPECT_EQ(c.timeout.count(), 7000);
  EXPECT_EQ(c.keep_alive_timeout.count(), 3000);
  EXPECT_EQ(c.log_formats.at("short"), "%h");
  EXPECT_EQ(c.max_keep_alive_requests, 9);
  EXPECT_TRUE(module_enabled(c.active_modules, "mpm_event_module"));
  EXPECT_TRUE(module_enabled(c.active_modules, "core_module"));
  EXPECT_TRUE(module_enabled(c.active_modules, "unixd_module"));
  for (const char* m : {"mime_module", "dir_module", "alias_module", "status_module", "cgid_module",
                        "authz_core_module"})
    EXPECT_FALSE(module_enabled(c.active_modules, m)) << m;
}

TEST_F(ConfigModulesTest, LoadedModuleDirectivesWork) {
  LoadResult r = load(std::string(kMpm) +
                      "LoadModule mime_module /usr/lib/apache2/modules/mod_mime.so\n"
                      "Listen 8080\n<IfModule mod_mime.c>\nAddType text/x-a .a\n</IfModule>\n");
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(testing::server_added_types(*r.config).at("a"), "text/x-a");
  EXPECT_TRUE(module_enabled(r.config->active_modules, "mime_module"));
}

TEST_F(ConfigModulesTest, LoadModuleOfAModuleTernLacksIsAnErrorNamingIt) {
  LoadResult r = load(std::string(kMpm) +
                      "LoadModule php_module /usr/lib/apache2/modules/libphp8.2.so\n"
                      "Listen 8080\n");
  EXPECT_EQ(r.config, nullptr);
  EXPECT_EQ(
      r.error.rfind("t.conf:2: LoadModule: tern has no php_module (LoadModule at t.conf:2)", 0), 0u)
      << r.error;
  // The source-file form is not a module identifier; a placeholder-free name only.
  EXPECT_NE(load("LoadModule mod_mime.c x\nListen 8080\n").error.find("tern has no mod_mime.c"),
            std::string::npos);
  EXPECT_NE(load("LoadModule proxy_module x\nListen 8080\n").error.find("tern has no proxy_module"),
            std::string::npos);
}

TEST_F(ConfigModulesTest, DirectiveOfAnInactiveModuleIsInvalidAsInHttpd) {
  LoadResult r = load(std::string(kMpm) + "Listen 8080\nAddType text/x-a .a\n");
  EXPECT_EQ(r.error,
            "t.conf:3: AddType: Invalid command 'AddType', perhaps misspelled or defined by a "
            "module not included in the server configuration (tern has it in mime_module, "
            "which no LoadModule line names)");
  // A section of an inactive module, too; its body is skipped without further errors.
  r = load(std::string(kMpm) + "Listen 8080\n<RequireAll>\nRequire all granted\n</RequireAll>\n");
  ASSERT_EQ(r.errors.size(), 1u) << r.error;
  EXPECT_NE(r.error.find("t.conf:3: <RequireAll>: Invalid command '<RequireAll>'"),
            std::string::npos)
      << r.error;
  // Listen is the MPM's (as httpd's event.c): nothing is loaded but httpd's static set.
  r = load("LoadModule mime_module x\nListen 8080\n");
  EXPECT_NE(r.error.find("t.conf:2: Listen: Invalid command 'Listen'"), std::string::npos)
      << r.error;
  // PidFile is httpd's core.c: valid without the MPM module.
  dir.mkdir("logs");
  r = load("PidFile logs/p.pid\n" + std::string(kMpm) + "Listen 8080\n");
  EXPECT_EQ(r.error, "");
}

TEST_F(ConfigModulesTest, UseBeforeTheFirstLoadModuleIsAnError) {
  LoadResult r =
      load("Listen 8080\nAddType text/x-a .a\n" + std::string(kMpm) + "LoadModule mime_module x\n");
  ASSERT_EQ(r.errors.size(), 2u) << r.error;
  EXPECT_EQ(r.errors[0].rfind("t.conf:1: Listen: Listen is read before the first LoadModule "
                              "(t.conf:3) and relies on mpm_event_module",
                              0),
            0u)
      << r.errors[0];
  EXPECT_EQ(r.errors[1].rfind("t.conf:2: AddType: AddType is read before", 0), 0u) << r.errors[1];
  r = load("<IfModule mod_mime.c>\n</IfModule>\n" + std::string(kMpm) + "Listen 8080\n");
  EXPECT_EQ(r.error.rfind("t.conf:1: <IfModule>: <IfModule> is read before", 0), 0u) << r.error;
  // A static module (log_config) may be used first, as in httpd.
  r = load("LogFormat %h short\n<IfModule log_config_module>\n</IfModule>\n" + std::string(kMpm) +
           "Listen 8080\n");
  EXPECT_EQ(r.error, "");
}

TEST_F(ConfigModulesTest, RepeatedLoadModuleWarns) {
  LoadResult r = load(std::string(kMpm) + kMpm + "Listen 8080\n");
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(
      r.config->warnings,
      std::vector<std::string>{"t.conf:2: module mpm_event_module is already loaded, skipping"});
}

TEST_F(ConfigModulesTest, IgnoredDirectivesWarnOnceEach) {
  LoadResult r = load(
      "Listen 8080\nMutex file:/tmp default\nMutex sysvsem rewrite-map\n"
      "DefaultRuntimeDir /run/x\nEnableMMAP Off\nScriptSock logs/cgisock\n"
      "<Location /a>\nEnableMMAP On\n</Location>\n");
  ASSERT_EQ(r.error, "");
  const auto& w = r.config->warnings;
  ASSERT_EQ(w.size(), 4u);
  EXPECT_EQ(w[0].rfind("t.conf:2: Mutex has no effect in tern: ", 0), 0u) << w[0];
  EXPECT_EQ(w[1].rfind("t.conf:4: DefaultRuntimeDir has no effect in tern: ", 0), 0u) << w[1];
  EXPECT_EQ(w[2].rfind("t.conf:5: EnableMMAP has no effect in tern: ", 0), 0u) << w[2];
  EXPECT_EQ(w[3].rfind("t.conf:6: ScriptSock has no effect in tern: ", 0), 0u) << w[3];
  // Their arguments, contexts and modules are still checked.
  EXPECT_NE(load("Listen 8080\nEnableMMAP maybe\n").error.find("t.conf:2: EnableMMAP: "),
            std::string::npos);
  EXPECT_NE(load("Listen 8080\nMutex\n").error.find("t.conf:2: Mutex: "), std::string::npos);
  EXPECT_NE(load("Listen 8080\n<Location /a>\nMutex default\n</Location>\n")
                .error.find("Mutex not allowed in <Location> context"),
            std::string::npos);
  EXPECT_NE(load(std::string(kMpm) + "Listen 8080\nScriptSock x\n")
                .error.find("Invalid command 'ScriptSock'"),
            std::string::npos);
  EXPECT_EQ(load(std::string(kMpm) + "LoadModule cgid_module x\nListen 8080\nScriptSock x\n").error,
            "");
}

TEST_F(ConfigModulesTest, EveryErrorIsReportedInOneRun) {
  dir.write("inc/a.conf", "Timeout soon\nNoSuchThing\n");
  dir.write("inc/b.conf", "KeepAlive maybe\n");
  LoadResult r = load(
      "Listen 8080\nBogus1 x\n<Directory /x>\nOptions None\nAlsoBogus\n</Directory>\n"
      "Include inc\n<Location /a>\nNope\n</Location>\n</Location>\nTimeout 3\n");
  EXPECT_EQ(r.config, nullptr);
  const std::string a = dir.path() + "/inc/a.conf", b = dir.path() + "/inc/b.conf";
  ASSERT_EQ(r.errors.size(), 7u) << ::testing::PrintToString(r.errors);
  EXPECT_EQ(r.errors[0].rfind("t.conf:2: Bogus1: Invalid command 'Bogus1'", 0), 0u);
  EXPECT_EQ(r.errors[1].rfind("t.conf:5: AlsoBogus: ", 0), 0u) << r.errors[1];
  EXPECT_EQ(r.errors[2].rfind(a + ":1: Timeout: ", 0), 0u) << r.errors[2];
  EXPECT_EQ(r.errors[3].rfind(a + ":2: NoSuchThing: ", 0), 0u) << r.errors[3];
  EXPECT_EQ(r.errors[4].rfind(b + ":1: KeepAlive: ", 0), 0u) << r.errors[4];
  EXPECT_EQ(r.errors[5].rfind("t.conf:9: Nope: ", 0), 0u) << r.errors[5];
  EXPECT_EQ(r.errors[6].rfind("t.conf:11: </Location>: ", 0), 0u) << r.errors[6];
  EXPECT_EQ(r.error, r.errors[0]);
}

TEST_F(ConfigModulesTest, ErrorsStopAfterALimit) {
  std::string text = "Listen 8080\n";
  for (int i = 0; i < 500; ++i) text += "Bogus\n";
  LoadResult r = load(text);
  ASSERT_EQ(r.errors.size(), 101u);
  EXPECT_NE(r.errors.back().find("more than 100 errors; stopping"), std::string::npos);
}

}  // namespace
}  // namespace tern
