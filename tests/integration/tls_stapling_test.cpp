// OCSP stapling (SSLUseStapling, SSLStaplingCache, SSLStapling*): a test CA whose leaves
// name a local `openssl ocsp` responder in their AIA, a real tern and `openssl s_client
// -status` as the client. The responses are fetched by the control process; a handshake
// never waits for the responder.

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>

#include <chrono>
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include "harness.h"
#include "net/unique_fd.h"
#include "test_pki.h"

namespace tern::test {
namespace {

class StaplingTest : public ::testing::Test {
 protected:
  // A fresh PKI and responder port for each test: a responder's port may be held in
  // TIME_WAIT after it stops, and `openssl ocsp` cannot bind it again then.
  void SetUp() override {
    ocsp_port_ = responder_port();
    ASSERT_NE(ocsp_port_, 0) << "no free port below the ephemeral range";
    const std::string aia =
        "\nauthorityInfoAccess=OCSP;URI:http://127.0.0.1:" + std::to_string(ocsp_port_) + "/";
    TestLeaf good = leaf_for_host("good", "a.test");
    good.extensions += aia;
    TestLeaf revoked = leaf_for_host("revoked", "b.test");
    revoked.extensions += aia;
    std::string error;
    certs_ = make_test_pki("/CN=tern-stapling-ca",
                           {good, revoked, leaf_for_host("nouri", "c.test")}, &error)
                 .release();
    ASSERT_NE(certs_, nullptr) << error;
    // The responder's index: good.pem valid, revoked.pem revoked.
    ProcessResult r = run_process(
        {"/bin/sh", "-c",
         "set -e; cd '" + certs_->path() +
             "'\n"
             "s() { openssl x509 -in $1.pem -noout -serial | cut -d= -f2; }\n"
             "printf 'V\\t301231000000Z\\t\\t%s\\tunknown\\t/CN=a.test\\n' $(s good) > index.txt\n"
             "printf 'R\\t301231000000Z\\t250101000000Z\\t%s\\tunknown\\t/CN=b.test\\n' "
             "$(s revoked) >> index.txt\n"});
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }
  void TearDown() override {
    delete certs_;
    certs_ = nullptr;
  }
  static std::string cert(const std::string& name) { return certs_->path() + "/" + name; }

  // A port for `openssl ocsp`, which listens on every address: one below the kernel's
  // ephemeral range (32768 and up by default), so no client socket or free_port() server of
  // a test running at the same time can hold it, and that binds on every address now; 0 if
  // none is found.
  static int responder_port() {
    const int start = 20000 + static_cast<int>(::getpid() % 12000);
    for (int i = 0; i < 12000; ++i) {
      const int port = 20000 + (start - 20000 + i * 7919) % 12000;
      UniqueFd fd(::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0));  // dual-stack: v4 too
      sockaddr_in6 a{};
      a.sin6_family = AF_INET6;
      a.sin6_addr = in6addr_any;
      a.sin6_port = htons(static_cast<uint16_t>(port));
      if (fd && ::bind(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) return port;
    }
    return 0;
  }

  // A local OCSP responder on ocsp_port_ for the test CA (bounded: at most 50 requests,
  // answers valid one day; killed with the fixture).
  static std::unique_ptr<BackgroundProcess> start_responder() {
    auto p = std::make_unique<BackgroundProcess>(std::vector<std::string>{
        "/usr/bin/openssl", "ocsp", "-index", cert("index.txt"), "-port",
        std::to_string(ocsp_port_), "-rsigner", cert("ca.pem"), "-rkey", cert("ca.key"), "-CA",
        cert("ca.pem"), "-ndays", "1", "-nrequest", "50"});
    // Ready once its port is listening (seen in /proc: a probing connection would stall
    // the single-threaded responder).
    char hex[8];
    std::snprintf(hex, sizeof hex, ":%04X ", ocsp_port_);
    EXPECT_TRUE(wait_until(
        [&] {
          for (const char* f : {"/proc/net/tcp6", "/proc/net/tcp"}) {
            std::istringstream in(slurp(f));
            for (std::string line; std::getline(in, line);) {
              std::istringstream w(line);
              std::string sl, local, remote, st;
              w >> sl >> local >> remote >> st;
              if ((local + " ").ends_with(hex) && st == "0A") return true;
            }
          }
          return false;
        },
        std::chrono::seconds(20)));
    return p;
  }

  // Starts `server` with one TLS address: a.test (good.pem), b.test (revoked.pem) and
  // c.test (nouri.pem, no AIA), each with the CA as its chain (the issuer), SSLUseStapling on in
  // the main server; `extra` goes into the main server.
  static bool start_stapling(Server& server, const std::string& extra) {
    server.put("index.html", "stapled\n");
    return server.start_config([&](int port) {
      const std::string p = std::to_string(port);
      std::string conf = "Listen 127.0.0.1:" + p +
                         " https\nDocumentRoot htdocs\nErrorLog logs/error_log\nLogLevel info\n"
                         "PidFile logs/tern.pid\nThreadsPerChild 4\nStartServers 1\n"
                         "MinSpareThreads 1\nMaxSpareThreads 8\n" +
                         extra + "\n";
      for (const auto& [name, file] : std::vector<std::pair<std::string, std::string>>{
               {"a.test", "good"}, {"b.test", "revoked"}, {"c.test", "nouri"}}) {
        conf += "<VirtualHost *:" + p + ">\nServerName " + name +
                "\nSSLEngine on\nSSLCertificateFile " + cert(file + ".pem") +
                "\nSSLCertificateKeyFile " + cert(file + ".key") + "\nSSLCertificateChainFile " +
                cert("ca.pem") + "\n</VirtualHost>\n";
      }
      return conf;
    });
  }

  // `openssl s_client -status` against `host`; its output.
  static ProcessResult s_client_status(const Server& s, const std::string& host) {
    return run_process(
        {"/bin/sh", "-c",
         "echo | openssl s_client -connect 127.0.0.1:" + std::to_string(s.port()) +
             " -servername " + host + " -status -CAfile " + cert("ca.pem") + " 2>&1"},
        30000);
  }
  // Polls s_client until the handshake with `host` staples a response (bounded).
  static std::string stapled(const Server& s, const std::string& host) {
    std::string out;
    wait_until(
        [&] {
          out = s_client_status(s, host).output;
          return out.find("OCSP Response Status: successful") != std::string::npos;
        },
        std::chrono::seconds(30));
    return out;
  }

  // curl's GET of https://a.test/ (no status request).
  static ProcessResult get_a(const Server& s) {
    const std::string p = std::to_string(s.port());
    return curl({"--cacert", cert("ca.pem"), "--resolve", "a.test:" + p + ":127.0.0.1",
                 "https://a.test:" + p + "/"});
  }

  inline static TempDir* certs_ = nullptr;
  inline static int ocsp_port_ = 0;
};

constexpr const char* kStapling =
    "SSLStaplingCache \"shmcb:logs/ssl_stapling(32768)\"\nSSLUseStapling On\n";

TEST_F(StaplingTest, StaplesGoodAndRevokedResponses) {
  auto responder = start_responder();
  Server s;
  ASSERT_TRUE(start_stapling(s, kStapling)) << s.log();
  std::string out = stapled(s, "a.test");
  EXPECT_NE(out.find("OCSP Response Status: successful"), std::string::npos) << out;
  EXPECT_NE(out.find("Cert Status: good"), std::string::npos) << out;
  EXPECT_NE(out.find("Verify return code: 0 (ok)"), std::string::npos) << out;
  out = stapled(s, "b.test");
  EXPECT_NE(out.find("Cert Status: revoked"), std::string::npos) << out;
  EXPECT_NE(s.read("logs/error_log").find("response has certificate status revoked"),
            std::string::npos)
      << s.read("logs/error_log");
  // A client that does not ask gets no response; the server still serves it.
  ProcessResult plain = get_a(s);
  EXPECT_EQ(plain.output, "stapled\n");
}

TEST_F(StaplingTest, CertificateWithoutUriLoadsWithAWarning) {
  auto responder = start_responder();
  Server s;
  ASSERT_TRUE(start_stapling(s, kStapling)) << s.log();
  ASSERT_TRUE(wait_until(
      [&] {
        return s.read("logs/error_log")
                   .find("no OCSP URI in certificate and no SSLStaplingForceURL set") !=
               std::string::npos;
      },
      std::chrono::seconds(20)))
      << s.read("logs/error_log");
  // The others are stapled; c.test handshakes without a response.
  stapled(s, "a.test");
  ProcessResult r = s_client_status(s, "c.test");
  EXPECT_NE(r.output.find("OCSP response: no response sent"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("Verify return code: 0 (ok)"), std::string::npos) << r.output;
}

TEST_F(StaplingTest, HandshakesNeverWaitForAStuckResponder) {
  // A responder that accepts connections (the kernel's backlog) and never answers.
  UniqueFd hole(::socket(AF_INET, SOCK_STREAM, 0));
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(hole.get(), reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(::listen(hole.get(), 16), 0);
  socklen_t len = sizeof a;
  ::getsockname(hole.get(), reinterpret_cast<sockaddr*>(&a), &len);
  const std::string url = "http://127.0.0.1:" + std::to_string(ntohs(a.sin_port)) + "/";
  Server s;
  ASSERT_TRUE(start_stapling(s, std::string(kStapling) + "SSLStaplingForceURL " + url +
                                    "\nSSLStaplingResponderTimeout 30\n"))
      << s.log();
  // The control process's query is pending for 30 s; handshakes meanwhile complete at once
  // (a handshake that waited would take the responder timeout).
  for (int i = 0; i < 3; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    ProcessResult r = s_client_status(s, "a.test");
    const auto took = std::chrono::steady_clock::now() - t0;
    EXPECT_NE(r.output.find("OCSP response: no response sent"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("Verify return code: 0 (ok)"), std::string::npos) << r.output;
    EXPECT_LT(took, std::chrono::seconds(10));
  }
  ProcessResult body = get_a(s);
  EXPECT_EQ(body.output, "stapled\n");
}

TEST_F(StaplingTest, ResponderDownStillServes) {
  Server s;  // no responder on ocsp_port_: connections are refused
  ASSERT_TRUE(start_stapling(s, kStapling)) << s.log();
  ASSERT_TRUE(wait_until(
      [&] {
        return s.read("logs/error_log").find("stapling_renew_response: responder error") !=
               std::string::npos;
      },
      std::chrono::seconds(20)))
      << s.read("logs/error_log");
  ProcessResult r = s_client_status(s, "a.test");
  EXPECT_NE(r.output.find("OCSP response: no response sent"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("Verify return code: 0 (ok)"), std::string::npos) << r.output;
}

// How many times `needle` occurs in `hay`.
size_t count_of(const std::string& hay, const std::string& needle) {
  size_t n = 0;
  for (size_t at = hay.find(needle); at != std::string::npos; at = hay.find(needle, at + 1)) ++n;
  return n;
}

TEST_F(StaplingTest, RefreshesBeforeExpiryAndAcrossAGracefulRestart) {
  auto responder = start_responder();
  Server s;
  ASSERT_TRUE(start_stapling(s, std::string(kStapling) + "SSLStaplingStandardCacheTimeout 2\n"))
      << s.log();
  const std::string fetched = "OCSP response for /CN=a.test from";
  EXPECT_NE(stapled(s, "a.test").find("Cert Status: good"), std::string::npos);
  // Stapled for 2 s, so fetched again before then.
  ASSERT_TRUE(wait_until([&] { return count_of(s.read("logs/error_log"), fetched) >= 2; },
                         std::chrono::seconds(20)))
      << s.read("logs/error_log");
  // A graceful restart gives the new generation's certificates to the fetcher; the shared
  // store (and its responses) is kept, so stapling goes on.
  const size_t before = count_of(s.read("logs/error_log"), fetched);
  ::kill(s.pid(), SIGUSR1);
  ASSERT_TRUE(wait_until(
      [&] { return s.read("logs/error_log").find("Doing graceful restart") != std::string::npos; },
      std::chrono::seconds(20)));
  ASSERT_TRUE(wait_until([&] { return count_of(s.read("logs/error_log"), fetched) > before; },
                         std::chrono::seconds(20)))
      << s.read("logs/error_log");
  EXPECT_NE(stapled(s, "a.test").find("Cert Status: good"), std::string::npos);
}

TEST_F(StaplingTest, UseStaplingWithoutCacheIsRefused) {
  TempDir d;
  d.write("htdocs/index.html", "x");
  d.write("logs/.keep", "");
  d.write("t.conf", "Listen 127.0.0.1:" + std::to_string(free_port()) +
                        " https\nDocumentRoot htdocs\nErrorLog logs/error_log\n"
                        "<VirtualHost *>\nServerName a.test\nSSLEngine on\nSSLCertificateFile " +
                        cert("good.pem") + "\nSSLCertificateKeyFile " + cert("good.key") +
                        "\nSSLUseStapling on\n</VirtualHost>\n");
  ProcessResult r = run_process({TERN_BINARY, "-t", "-d", d.path(), "-f", "t.conf"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("t.conf:9: SSLUseStapling: SSLStapling: no stapling cache available"),
            std::string::npos)
      << r.output;
  // With the cache it loads.
  d.write("t.conf",
          slurp(d.path() + "/t.conf") +
              "SSLStaplingCache shmcb:logs/ssl_stapling(32768)\nSSLStaplingFakeTryLater off\n"
              "SSLStaplingReturnResponderErrors off\nSSLStaplingResponseMaxAge 900\n");
  r = run_process({TERN_BINARY, "-t", "-d", d.path(), "-f", "t.conf"});
  EXPECT_EQ(r.exit_code, 0) << r.output;
}

}  // namespace
}  // namespace tern::test
