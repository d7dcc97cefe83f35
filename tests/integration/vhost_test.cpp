// <VirtualHost> served by the real binary over loopback: IP/port-based selection across
// two Listen ports, per-vhost CustomLog with Debian's vhost_combined (%v:%p), server-status
// showing each request's vhost, `tern -S`, and the refusals of `tern -t`.

#include <gtest/gtest.h>

#include <algorithm>

#include "harness.h"

namespace tern::test {
namespace {

size_t line_count(const std::string& s) {
  return static_cast<size_t>(std::count(s.begin(), s.end(), '\n'));
}

class Vhosts : public ::testing::Test {
 protected:
  void SetUp() override {
    tern_.root().write("one/index.html", "one\n");
    tern_.root().write("two/index.html", "two\n");
    tern_.root().write("port2/index.html", "port2\n");
    tern_.root().write("htdocs/index.html", "main\n");
    const std::string r = tern_.root().path();
    ASSERT_TRUE(tern_.start_config([&](int port) {
      port2_ = free_port();
      const std::string p = std::to_string(port), p2 = std::to_string(port2_);
      return "Listen 127.0.0.1:" + p + "\nListen 127.0.0.1:" + p2 +
             "\nServerName main.test\nDocumentRoot htdocs\nErrorLog logs/error_log\n"
             "PidFile logs/tern.pid\nThreadsPerChild 4\nStartServers 1\n"
             "MinSpareThreads 1\nMaxSpareThreads 8\n"
             "LogFormat \"%v:%p %h %l %u %t \\\"%r\\\" %>s %O\" vhost_combined\n"
             "CustomLog logs/main_log \"%v %U\"\n" +
             std::string(kStatusConf) + "<VirtualHost *:" + p +
             ">\n  ServerName one.test\n  DocumentRoot " + r +
             "/one\n  CustomLog logs/one_log vhost_combined\n</VirtualHost>\n"
             "<VirtualHost *:" +
             p + ">\n  ServerName two.test\n  DocumentRoot " + r +
             "/two\n</VirtualHost>\n"
             // Exact address and port beat *:port; a port nobody listens on is fine.
             "<VirtualHost 127.0.0.1:" +
             p2 + ">\n  ServerName port2.test\n  DocumentRoot " + r +
             "/port2\n</VirtualHost>\n"
             "<VirtualHost *:" +
             p2 +
             ">\n  ServerName never.test\n</VirtualHost>\n"
             "<VirtualHost *:1>\n  ServerName unused.test\n</VirtualHost>\n";
    })) << tern_.log();
  }

  std::string body(int port, const std::string& host) {
    auto r = fetch(port, "GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
    return r ? r->body : "(no answer)";
  }

  Server tern_;
  int port2_ = 0;
};

TEST_F(Vhosts, AddressThenName) {
  EXPECT_EQ(body(tern_.port(), "one.test"), "one\n");
  EXPECT_EQ(body(tern_.port(), "two.test"), "two\n");
  EXPECT_EQ(body(tern_.port(), "other.test"), "one\n");
  // Only one vhost has 127.0.0.1:port2: the Host is not looked at.
  EXPECT_EQ(body(port2_, "never.test"), "port2\n");
  EXPECT_EQ(body(port2_, "two.test"), "port2\n");
}

TEST_F(Vhosts, OwnCustomLogOnlyAndVhostCombined) {
  ASSERT_EQ(body(tern_.port(), "one.test"), "one\n");
  ASSERT_EQ(body(tern_.port(), "two.test"), "two\n");
  ASSERT_TRUE(wait_until([&] { return line_count(tern_.read("logs/main_log")) >= 1; },
                         std::chrono::seconds(10)));
  ASSERT_TRUE(wait_until([&] { return line_count(tern_.read("logs/one_log")) >= 1; },
                         std::chrono::seconds(10)));
  const std::string one = tern_.read("logs/one_log");
  EXPECT_EQ(one.rfind("one.test:" + std::to_string(tern_.port()) + " 127.0.0.1 - - [", 0), 0u)
      << one;
  EXPECT_EQ(line_count(one), 1u);
  EXPECT_EQ(tern_.read("logs/main_log"), "two.test /\n");
}

TEST_F(Vhosts, ServerStatusShowsTheVhost) {
  // The vhost's ServerName, not the Host header that chose it.
  ASSERT_EQ(body(tern_.port(), "TWO.test:80"), "two\n");
  auto r = fetch(tern_.port(),
                 "GET /server-status?json HTTP/1.1\r\nHost: two.test\r\nConnection: close\r\n\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_NE(r->body.find("\"vhost\":\"two.test\""), std::string::npos) << r->body;
  EXPECT_EQ(r->body.find("TWO.test"), std::string::npos) << r->body;
}

TEST_F(Vhosts, DumpListsTheChains) {
  ProcessResult p = run_process({TERN_BINARY, "-d", tern_.root().path(), "-f", "tern.conf", "-S"});
  EXPECT_EQ(p.exit_code, 0) << p.output;
  const std::string port = std::to_string(tern_.port());
  EXPECT_NE(p.output.find("VirtualHost configuration:\n127.0.0.1:" + std::to_string(port2_)),
            std::string::npos)
      << p.output;
  EXPECT_NE(p.output.find("\n*:" + port + std::string(22 - 2 - port.size(), ' ') +
                          " is a NameVirtualHost"),
            std::string::npos)
      << p.output;
  EXPECT_NE(p.output.find("default server one.test (" + tern_.root().path() + "/tern.conf:"),
            std::string::npos)
      << p.output;
  EXPECT_NE(p.output.find("port " + port + " namevhost two.test"), std::string::npos) << p.output;
  EXPECT_NE(p.output.find("*:1                    unused.test"), std::string::npos) << p.output;
}

TEST(VhostCheck, GlobalOnlyDirectiveInsideIsAnError) {
  TempDir dir;
  dir.write("t.conf",
            "Listen 127.0.0.1:8080\n<VirtualHost *:80>\n  PidFile x.pid\n"
            "  User nobody\n</VirtualHost>\n");
  ProcessResult p = run_process({TERN_BINARY, "-d", dir.path(), "-f", "t.conf", "-t"});
  EXPECT_EQ(p.exit_code, 1);
  EXPECT_NE(p.output.find("t.conf:3: PidFile: PidFile cannot occur within <VirtualHost> section"),
            std::string::npos)
      << p.output;
  EXPECT_NE(p.output.find("t.conf:4: User: User cannot occur within <VirtualHost> section"),
            std::string::npos)
      << p.output;
}

}  // namespace
}  // namespace tern::test
