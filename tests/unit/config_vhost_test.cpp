#include <gtest/gtest.h>

#include "config_test_util.h"

namespace tern {
namespace {

using VhostConfig = testing::ConfigTest;

TEST_F(VhostConfig, VirtualHostInheritsTheWholeMainServer) {
  const std::string main_root = dir.mkdir("main"), a_root = dir.mkdir("a");
  dir.mkdir("logs");
  auto c =
      ok("ServerName main.example\n"
         "DocumentRoot " +
         main_root +
         "\n"
         "LogFormat \"%v %h\" vh\n"
         "CustomLog logs/main_log vh\n"
         "ErrorDocument 404 /main404.html\n"
         "Alias /shared /srv/shared\n"
         "<VirtualHost *:80 10.0.0.1:8080 [::1]:8081 _default_:443 127.0.0.1:*>\n"
         "  ServerName a.example:80\n"
         "  ServerAlias www.a.example *.a.test\n"
         "  DocumentRoot " +
         a_root +
         "\n"
         "  Alias /own /srv/own\n"
         "  ErrorDocument 500 \"oops\"\n"
         "  <Location /x>\n"
         "  </Location>\n"
         "</VirtualHost>\n"
         "<VirtualHost *:80>\n"
         "  ServerName b.example\n"
         "  CustomLog logs/b_log \"%v %U\"\n"
         "</VirtualHost>\n"
         // A directive of the main server after the sections still reaches them.
         "ServerAdmin admin@main.example\n");
  ASSERT_EQ(c->virtual_hosts.size(), 2u);
  const VirtualHostSpec& a = c->virtual_hosts[0];
  ASSERT_EQ(a.addresses.size(), 5u);
  EXPECT_EQ(a.addresses[0].ip, "");
  EXPECT_EQ(a.addresses[0].port, 80);
  EXPECT_EQ(a.addresses[1].ip, "10.0.0.1");
  EXPECT_EQ(a.addresses[1].port, 8080);
  EXPECT_EQ(a.addresses[2].ip, "::1");
  EXPECT_EQ(a.addresses[2].port, 8081);
  EXPECT_EQ(a.addresses[3].as_written, "_default_");
  EXPECT_EQ(a.addresses[3].ip, "");
  EXPECT_EQ(a.addresses[4].port, 0);
  EXPECT_EQ(a.file, "t.conf");
  EXPECT_EQ(a.line, 7);
  const Config& ac = *a.config;
  EXPECT_EQ(ac.server_name, "a.example:80");
  EXPECT_EQ(ac.server_aliases, (std::vector<std::string>{"www.a.example", "*.a.test"}));
  EXPECT_EQ(ac.document_root, a_root);
  EXPECT_EQ(ac.server_admin, "admin@main.example");
  EXPECT_FALSE(a.own_logs);
  ASSERT_EQ(ac.custom_logs.size(), 1u);
  EXPECT_EQ(ac.custom_logs[0].format, "%v %h");
  // mod_alias: the vhost's aliases first, then the main server's.
  ASSERT_EQ(ac.script_aliases.size(), 2u);
  EXPECT_EQ(ac.script_aliases[0].url, "/own");
  EXPECT_EQ(ac.script_aliases[1].url, "/shared");
  // ErrorDocument per status: the main server's 404 and the vhost's 500.
  EXPECT_EQ(ac.error_documents.size(), 2u);
  // The main server's sections, then the vhost's.
  ASSERT_FALSE(ac.sections.empty());
  EXPECT_EQ(ac.sections.back().pattern, "/x");
  EXPECT_TRUE(c->sections.empty());
  const Config& bc = *c->virtual_hosts[1].config;
  EXPECT_TRUE(c->virtual_hosts[1].own_logs);
  ASSERT_EQ(bc.custom_logs.size(), 1u);
  EXPECT_EQ(bc.custom_logs[0].format, "%v %U");
  EXPECT_EQ(bc.document_root, main_root);
  EXPECT_EQ(bc.script_aliases.size(), 1u);
  // The main server knows nothing of the vhosts' settings.
  EXPECT_EQ(c->document_root, main_root);
  EXPECT_TRUE(c->server_aliases.empty());
  EXPECT_EQ(c->script_aliases.size(), 1u);
}

TEST_F(VhostConfig, VhostWithoutServerNameGetsMainsOrItsAddress) {
  auto c =
      ok("ServerName main.example\n<VirtualHost *:80>\n</VirtualHost>\n"
         "<VirtualHost 127.0.0.2:80>\n</VirtualHost>\n");
  ASSERT_EQ(c->virtual_hosts.size(), 2u);
  EXPECT_EQ(c->virtual_hosts[0].config->server_name, "main.example");
  EXPECT_EQ(c->virtual_hosts[1].config->server_name, "127.0.0.2");
}

TEST_F(VhostConfig, GlobalOnlyDirectivesAreRefusedInside) {
  EXPECT_EQ(err("<VirtualHost *:80>\nListen 81\n</VirtualHost>\n"),
            "t.conf:2: Listen: Listen cannot occur within <VirtualHost> section");
  EXPECT_EQ(err("<VirtualHost *:80>\nServerRoot /\n</VirtualHost>\n"),
            "t.conf:2: ServerRoot: ServerRoot cannot occur within <VirtualHost> section");
  EXPECT_EQ(err("<VirtualHost *:80>\nThreadsPerChild 5\n</VirtualHost>\n"),
            "t.conf:2: ThreadsPerChild: ThreadsPerChild cannot occur within <VirtualHost> "
            "section");
  EXPECT_EQ(err("<VirtualHost *:80>\nMutex default\n</VirtualHost>\n"),
            "t.conf:2: Mutex: Mutex cannot occur within <VirtualHost> section");
  EXPECT_EQ(err("<VirtualHost *:80>\n<VirtualHost *:81>\n</VirtualHost>\n</VirtualHost>\n"),
            "t.conf:2: <VirtualHost>: <VirtualHost> cannot occur within <VirtualHost> section");
  EXPECT_EQ(err("<Location />\n<VirtualHost *:80>\n</VirtualHost>\n</Location>\n"),
            "t.conf:2: <VirtualHost>: <VirtualHost not allowed in <Location> context");
}

TEST_F(VhostConfig, ServerAliasOnlyInsideAVirtualHost) {
  EXPECT_EQ(err("ServerAlias www.example\n"),
            "t.conf:1: ServerAlias: ServerAlias only used in <VirtualHost>");
}

TEST_F(VhostConfig, BadAddressesAndSetterErrorsNameTheirLine) {
  EXPECT_EQ(err("<VirtualHost *:99999>\n</VirtualHost>\n"),
            "t.conf:1: <VirtualHost>: The address or port is invalid ('*:99999')");
  EXPECT_EQ(err("<VirtualHost *:80>\n\nKeepAliveTimeout abc\n</VirtualHost>\n").substr(0, 28),
            "t.conf:3: KeepAliveTimeout: ");
  EXPECT_EQ(err("<VirtualHost *:80>\n</VirtualHost>\n</VirtualHost>\n"),
            "t.conf:3: </VirtualHost>: </VirtualHost> without matching <VirtualHost> section");
}

TEST_F(VhostConfig, NameVirtualHostIsIgnoredWithAWarning) {
  auto c = ok("NameVirtualHost *:80\n<VirtualHost *:80>\nServerName a\n</VirtualHost>\n");
  bool warned = false;
  for (const std::string& w : c->warnings) warned = warned || w.find("AH00548") != w.npos;
  EXPECT_TRUE(warned);
}

TEST_F(VhostConfig, ConnectionLevelSettingsWarnInsideAVhost) {
  dir.mkdir("logs");
  auto c = ok("<VirtualHost *:80>\nKeepAlive Off\nErrorLog logs/error_log\n</VirtualHost>\n");
  ASSERT_EQ(c->warnings.size(), 1u);
  EXPECT_NE(c->warnings[0].find("t.conf:2: KeepAlive inside <VirtualHost> has no effect"),
            std::string::npos);
  auto d = ok("<VirtualHost *:80>\nErrorLog logs/other_log\n</VirtualHost>\n");
  ASSERT_EQ(d->warnings.size(), 1u);
  EXPECT_NE(d->warnings[0].find("ErrorLog inside <VirtualHost>"), std::string::npos);
}

TEST_F(VhostConfig, IncludeAndIfModuleInsideAVhost) {
  dir.write("inc.conf", "ServerAlias inc.example\n");
  auto c =
      ok("<VirtualHost *:80>\nInclude inc.conf\n<IfModule alias_module>\n"
         "Redirect /r http://x.example/\n</IfModule>\n</VirtualHost>\n");
  ASSERT_EQ(c->virtual_hosts.size(), 1u);
  EXPECT_EQ(c->virtual_hosts[0].config->server_aliases, (std::vector<std::string>{"inc.example"}));
  EXPECT_EQ(c->virtual_hosts[0].config->redirects.size(), 1u);
  EXPECT_TRUE(c->redirects.empty());
}

}  // namespace
}  // namespace tern
