// mod_access_compat as Debian's apache2 answers: Order/Allow/Deny/Satisfy, alone and
// mixed with Require, in <Location> sections given to Debian's httpd 2.4
// (apache_harness.h) and to tern in the same test; statuses compared and the 403's
// error-log line (AH01797 with the file name) checked in both logs. Clients are 127.0.0.1.

#include <gtest/gtest.h>

#include "apache_harness.h"

namespace tern::test {
namespace {

struct Case {
  const char* name;        // the <Location /name> and its file /name/f
  const char* directives;  // inside the section
  int expected;            // what httpd answers (checked, so a vacuous pass is seen)
};

const Case kCases[] = {
    {"deny-all", "Order Deny,Allow\nDeny from all\n", 403},
    {"deny-allow-local", "Order Deny,Allow\nDeny from all\nAllow from 127.0.0.1\n", 200},
    {"allow-cidr", "Order Allow,Deny\nAllow from 127.0.0.0/8\n", 200},
    {"allow-netmask", "Order Allow,Deny\nAllow from 127.0.0.0/255.0.0.0\n", 200},
    {"allow-partial", "Order Allow,Deny\nAllow from 127\n", 200},
    {"allow-other-net", "Order Allow,Deny\nAllow from 10.0.0.0/8 192.168\n", 403},
    {"deny-partial", "Order Allow,Deny\nAllow from all\nDeny from 127.0\n", 403},
    {"deny-then-allow-wins", "Order Deny,Allow\nDeny from 127.0.0.1\nAllow from 127.0\n", 200},
    {"allow-then-deny-wins", "Order Allow,Deny\nAllow from 127.0.0.1\nDeny from 127.0\n", 403},
    {"mutual-ok", "Order Mutual-failure\nAllow from all\nDeny from 10\n", 200},
    {"mutual-denied", "Order Mutual-failure\nAllow from all\nDeny from 127.0.0.1\n", 403},
    {"allow-deny-empty", "Order Allow,Deny\n", 403},
    {"deny-allow-empty", "Order Deny,Allow\n", 200},
    {"env-not-set", "Order Allow,Deny\nAllow from env=!TERN_NOPE\n", 200},
    {"env-set", "Order Allow,Deny\nAllow from env=TERN_NOPE\n", 403},
    {"any-host-denied-require-granted",
     "Order Deny,Allow\nDeny from all\nRequire all granted\nSatisfy Any\n", 200},
    {"any-both-denied", "Order Deny,Allow\nDeny from all\nRequire all denied\nSatisfy Any\n", 403},
    {"any-no-deny-skips-require", "Require all denied\nSatisfy Any\n", 200},
    {"all-host-denied", "Order Deny,Allow\nDeny from all\nRequire all granted\nSatisfy All\n", 403},
    {"all-require-denied", "Order Allow,Deny\nAllow from all\nRequire all denied\n", 403},
    {"any-ip-require", "Order Allow,Deny\nAllow from 10.0.0.1\nRequire ip 127.0.0.1\nSatisfy any\n",
     200},
};

class AccessCompatVersusApache : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(ApacheServer::available())
        << "apache2-bin is missing: scripts/deps.sh test installs it";
    std::string conf;
    for (const Case& c : kCases) {
      apache_.put(std::string(c.name) + "/f", "file\n");
      tern_.put(std::string(c.name) + "/f", "file\n");
      conf += std::string("<Location /") + c.name + ">\n" + c.directives + "</Location>\n";
    }
    // An enclosing section's Order/Allow/Deny, replaced in the nested ones that set any.
    apache_.put("top/f", "file\n");
    tern_.put("top/f", "file\n");
    conf = "<Location />\nOrder Allow,Deny\nAllow from 127.0.0.1\n</Location>\n" + conf;
    ASSERT_TRUE(apache_.start("LoadModule access_compat_module " + std::string(kApacheModules) +
                              "/mod_access_compat.so\nLoadModule authz_host_module " +
                              kApacheModules + "/mod_authz_host.so\n" + conf))
        << apache_.log();
    ASSERT_TRUE(tern_.start("ServerName 127.0.0.1\n" + conf)) << tern_.log();
  }

  ApacheServer apache_;
  Server tern_;
};

TEST_F(AccessCompatVersusApache, SameStatusesAndLogLines) {
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.name);
    expect_same_status(apache_, tern_, std::string("/") + c.name + "/f", c.expected);
  }
  EXPECT_EQ(get_status(apache_.port(), "/top/f"), 200);
  EXPECT_EQ(get_status(tern_.port(), "/top/f"), 200);
  // A denial names the file, as httpd's AH01797 does.
  for (const Case& c : kCases) {
    if (c.expected != 403 ||
        std::string(c.directives).find("Require all denied") != std::string::npos)
      continue;
    SCOPED_TRACE(c.name);
    const std::string tail = std::string("AH01797: client denied by server configuration: ");
    EXPECT_NE(apache_.read("logs/error_log")
                  .find(tail + apache_.root().path() + "/htdocs/" + c.name + "/f"),
              std::string::npos)
        << apache_.read("logs/error_log");
    EXPECT_NE(
        tern_.read("logs/error_log").find(tail + tern_.root().path() + "/htdocs/" + c.name + "/f"),
        std::string::npos)
        << tern_.read("logs/error_log");
  }
}

// `tern -t` refuses what httpd accepts but tern cannot do (host names need DNS), and
// what httpd refuses (server-level Order), each with FILE:LINE, in one run.
TEST(AccessCompatCheck, RefusalsCarryFileAndLine) {
  TempDir d;
  d.write("htdocs/index.html", "x");
  d.write("logs/.keep", "");
  d.write("t.conf",
          "Listen 127.0.0.1:1\nOrder Allow,Deny\n<Location />\nOrder Allow,Deny\n"
          "Allow from 10.0.0.0/8 example.com\nDeny from 10.0.0.0/33\nSatisfy Any\n"
          "</Location>\n");
  ProcessResult r = run_process({TERN_BINARY, "-d", d.path(), "-f", "t.conf", "-t"}, 60000);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find(d.path() + "/t.conf:2: Order: "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(d.path() + "/t.conf:5: Allow: 'example.com' is a host name"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find(d.path() + "/t.conf:6: Deny: An IP address was expected"),
            std::string::npos)
      << r.output;
}

}  // namespace
}  // namespace tern::test
