// mod_ssl's policy directives wired (issue 13): session resumption on another child and
// across a graceful restart (shared ticket keys, SSLSessionCache shmcb), SSLProtocol per
// vhost after SNI, SSLCipherSuite as s_client sees it, SSLVerifyClient require with a test
// CA, `Listen 443` as https, and the file:line of every policy directive's error in -t.
// Certificates are made at test time with the openssl CLI; none is committed.

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "harness.h"
#include "test_pki.h"

namespace tern::test {
namespace {

using namespace std::chrono_literals;

class TlsSessionTest : public PkiSuite<TlsSessionTest> {
 public:
  // The suite's PKI (PkiSuite).
  static std::string ca_subject() { return "/CN=tern-test-ca"; }
  static std::vector<TestLeaf> leaves() {
    return {leaf_for_host("a", "a.test"), leaf_for_host("b", "b.test"),
            TestLeaf{"client", "/CN=tern-client", "extendedKeyUsage=clientAuth"}};
  }

 protected:
  // One TLS address with vhosts a.test (default) and b.test; `main` goes into the main
  // server, `a` and `b` into the vhosts. The access log records the serving child (%P).
  static bool start(Server& s, const std::string& main, const std::string& a = "",
                    const std::string& b = "") {
    s.put("index.html", "hello\n");
    return s.start_config([&](int port) {
      const std::string p = std::to_string(port);
      return "Listen 127.0.0.1:" + p +
             " https\nDocumentRoot htdocs\nErrorLog logs/error_log\nLogLevel info\n"
             "PidFile logs/tern.pid\nLogFormat \"%P %r\" pid\nCustomLog logs/access_log pid\n"
             "StartServers 3\nServerLimit 3\nThreadsPerChild 2\nMaxRequestWorkers 6\n"
             "MinSpareThreads 1\nMaxSpareThreads 64\n" +
             main + "\n<VirtualHost *:" + p +
             ">\nServerName a.test\nSSLEngine on\nSSLCertificateFile " + cert("a.pem") +
             "\nSSLCertificateKeyFile " + cert("a.key") + "\n" + a +
             "\n</VirtualHost>\n<VirtualHost *:" + p +
             ">\nServerName b.test\nSSLEngine on\nSSLCertificateFile " + cert("b.pem") +
             "\nSSLCertificateKeyFile " + cert("b.key") + "\n" + b + "\n</VirtualHost>\n";
    });
  }

  // openssl s_client sending one HTTP/1.0 request and reading to the end; `args` add
  // options (-tls1_2, -sess_out f, -servername …).
  // The request's Host is the name sent by SNI (-servername), else a.test: a Host naming
  // another vhost than SNI's would get SSLVHostSNIPolicy's 421.
  static ProcessResult s_client(const Server& s, const std::string& args) {
    std::string host = "a.test";
    if (size_t at = args.find("-servername "); at != std::string::npos) {
      host = args.substr(at + 12);
      host = host.substr(0, host.find(' '));
    }
    const std::string cmd = "printf 'GET /index.html HTTP/1.0\\r\\nHost: " + host +
                            "\\r\\n\\r\\n' | "
                            "openssl s_client -connect 127.0.0.1:" +
                            std::to_string(s.port()) + " -CAfile " + cert("ca.pem") + " -ign_eof " +
                            args + " 2>&1";
    return run_process({"/bin/sh", "-c", cmd}, 30000);
  }

  // Offers the session saved in `sess` until a request is answered (a child may still be
  // starting), at most 20 s; *out holds the last s_client run.
  static bool answered_with_session(const Server& s, const std::string& version,
                                    const std::string& sess, ProcessResult* out) {
    return wait_until(
        [&] {
          *out = s_client(s, version + " -servername a.test -sess_in " + sess);
          return out->output.find("HTTP/1.1 200 OK") != std::string::npos;
        },
        20s);
  }

  // The pid (%P) that logged access-log line `n` (1-based), waiting for it.
  static long served_by(const Server& s, size_t n) {
    std::vector<std::string> lines;
    wait_until(
        [&] {
          lines.clear();
          const std::string log = s.read("logs/access_log");
          size_t pos = 0;
          while (pos < log.size()) {
            size_t nl = log.find('\n', pos);
            if (nl == std::string::npos) break;
            lines.push_back(log.substr(pos, nl - pos));
            pos = nl + 1;
          }
          return lines.size() >= n;
        },
        10s);
    return lines.size() >= n ? std::stol(lines[n - 1]) : -1;
  }
};

bool reused(const ProcessResult& r) {
  return r.output.find("\nReused, ") != std::string::npos;
}

struct ResumeCase {
  const char* name;
  const char* main;     // directives of the main server
  const char* version;  // s_client's version option
};

class ResumeOnAnotherChild : public TlsSessionTest,
                             public ::testing::WithParamInterface<ResumeCase> {};

// The session made with one child resumes on another after the first is killed: the
// ticket keys and the session cache are shared by every child.
TEST_P(ResumeOnAnotherChild, AfterTheServingChildIsKilled) {
  Server s;
  ASSERT_TRUE(start(s, GetParam().main)) << s.log();
  const std::string sess = s.root().path() + "/sess.pem";
  const std::string v = GetParam().version;
  ProcessResult first = s_client(s, v + " -servername a.test -sess_out " + sess);
  ASSERT_NE(first.output.find("HTTP/1.1 200 OK"), std::string::npos) << first.output;
  EXPECT_FALSE(reused(first)) << first.output;
  const long pid1 = served_by(s, 1);
  ASSERT_GT(pid1, 0) << s.read("logs/access_log");
  ASSERT_EQ(::kill(static_cast<pid_t>(pid1), SIGKILL), 0);
  // Another child takes the address (a sibling or the replacement).
  long pid2 = -1;
  ProcessResult second;
  ASSERT_TRUE(answered_with_session(s, v, sess, &second)) << second.output << s.log();
  pid2 = served_by(s, 2);
  EXPECT_NE(pid2, pid1);
  EXPECT_TRUE(reused(second)) << second.output;
}

INSTANTIATE_TEST_SUITE_P(
    Sessions, ResumeOnAnotherChild,
    ::testing::Values(ResumeCase{"TicketsTls13", "SSLSessionTickets on", "-tls1_3"},
                      ResumeCase{"TicketsTls12", "SSLSessionTickets on", "-tls1_2"},
                      ResumeCase{"CacheTls12",
                                 "SSLSessionTickets off\nSSLSessionCache shmcb:logs/scache(512000)",
                                 "-tls1_2"},
                      ResumeCase{"CacheTls13",
                                 "SSLSessionTickets off\nSSLSessionCache shmcb:logs/scache(512000)",
                                 "-tls1_3"}),
    [](const auto& info) { return std::string(info.param.name); });

// server-status shows SSLSessionCache's store as mod_ssl's status hook does: ?auto's
// "TLSSessionCacheStatus" with shmcb's keys in httpd 2.4's order (as Debian's apache2
// 2.4.71 prints them), counting the store of a full handshake and the hit of a resumption.
TEST_F(TlsSessionTest, ServerStatusShowsTheSessionCache) {
  Server s;
  ASSERT_TRUE(start(s,
                    "SSLSessionTickets off\nSSLSessionCache shmcb:logs/scache(512000)\n"
                    "<Location /server-status>\nSetHandler server-status\n</Location>"))
      << s.log();
  const std::string sess = s.root().path() + "/sess.pem";
  ProcessResult first = s_client(s, "-tls1_2 -servername a.test -sess_out " + sess);
  ASSERT_NE(first.output.find("HTTP/1.1 200 OK"), std::string::npos) << first.output;
  ProcessResult second;
  ASSERT_TRUE(answered_with_session(s, "-tls1_2", sess, &second)) << second.output;
  ASSERT_TRUE(reused(second)) << second.output;
  const std::string cmd =
      "printf 'GET /server-status?auto HTTP/1.0\\r\\nHost: a.test\\r\\n\\r\\n' | openssl "
      "s_client -quiet -connect 127.0.0.1:" +
      std::to_string(s.port()) + " -CAfile " + cert("ca.pem") + " -servername a.test 2>/dev/null";
  const std::string out = run_process({"/bin/sh", "-c", cmd}, 30000).output;
  const size_t at = out.find("\nTLSSessionCacheStatus\n");
  ASSERT_NE(at, std::string::npos) << out;
  std::vector<std::string> keys;
  std::map<std::string, std::string> value;
  for (size_t pos = at + 23; pos < out.size();) {
    size_t nl = out.find('\n', pos);
    if (nl == std::string::npos) nl = out.size();
    const std::string line = out.substr(pos, nl - pos);
    pos = nl + 1;
    const size_t colon = line.find(": ");
    if (colon == std::string::npos) break;
    keys.push_back(line.substr(0, colon));
    value[keys.back()] = line.substr(colon + 2);
  }
  const std::vector<std::string> httpd_keys = {"CacheType",
                                               "CacheSharedMemory",
                                               "CacheCurrentEntries",
                                               "CacheSubcaches",
                                               "CacheIndexesPerSubcaches",
                                               "CacheTimeLeftOldestAvg",
                                               "CacheTimeLeftOldestMin",
                                               "CacheTimeLeftOldestMax",
                                               "CacheIndexUsage",
                                               "CacheUsage",
                                               "CacheStoreCount",
                                               "CacheReplaceCount",
                                               "CacheExpireCount",
                                               "CacheDiscardCount",
                                               "CacheRetrieveHitCount",
                                               "CacheRetrieveMissCount",
                                               "CacheRemoveHitCount",
                                               "CacheRemoveMissCount"};
  EXPECT_EQ(keys, httpd_keys) << out;
  EXPECT_EQ(value["CacheType"], "SHMCB");
  EXPECT_EQ(value["CacheSharedMemory"], "512000");
  EXPECT_GE(std::stoi(value["CacheStoreCount"]), 1) << out;
  EXPECT_GE(std::stoi(value["CacheCurrentEntries"]), 1) << out;
  EXPECT_GE(std::stoi(value["CacheRetrieveHitCount"]), 1) << out;
  const int left = std::stoi(value["CacheTimeLeftOldestMin"]);
  EXPECT_GT(left, 0) << out;
  EXPECT_LE(left, 300) << out;  // SSLSessionCacheTimeout's default
}

class ResumeAcrossGraceful : public TlsSessionTest,
                             public ::testing::WithParamInterface<ResumeCase> {};

// A session made before `-k graceful` (SIGUSR1) resumes with the next generation's
// children: the cache and keys live in the control process.
TEST_P(ResumeAcrossGraceful, NewGenerationResumes) {
  Server s;
  ASSERT_TRUE(start(s, GetParam().main)) << s.log();
  const std::string sess = s.root().path() + "/sess.pem";
  const std::string v = GetParam().version;
  ProcessResult first = s_client(s, v + " -servername a.test -sess_out " + sess);
  ASSERT_NE(first.output.find("HTTP/1.1 200 OK"), std::string::npos) << first.output;
  const std::vector<pid_t> before = children_of(s.pid());
  ASSERT_EQ(::kill(s.pid(), SIGUSR1), 0);
  ASSERT_TRUE(wait_until(
      [&] {
        for (pid_t c : children_of(s.pid())) {
          for (pid_t b : before) {
            if (c == b) return false;
          }
        }
        return !children_of(s.pid()).empty();
      },
      20s))
      << s.log();
  ProcessResult second;
  ASSERT_TRUE(answered_with_session(s, v, sess, &second)) << second.output << s.log();
  EXPECT_TRUE(reused(second)) << second.output;
}

INSTANTIATE_TEST_SUITE_P(
    Sessions, ResumeAcrossGraceful,
    ::testing::Values(ResumeCase{"Tickets", "", "-tls1_3"},
                      ResumeCase{"Cache", "SSLSessionTickets off\nSSLSessionCache shmcb:x(512000)",
                                 "-tls1_2"}),
    [](const auto& info) { return std::string(info.param.name); });

// SSLSessionTicketKeyFile: two separate servers (each with its own shared memory), as
// behind a load balancer: the same vhosts on the same port (127.0.0.1 and 127.0.0.2), so
// the same session id context. With the same key file they resume each other's tickets;
// without it they do not.
TEST_F(TlsSessionTest, TicketKeyFileIsSharedBetweenServers) {
  TempDir d;
  ProcessResult made = run_process(
      {"/bin/sh", "-c",
       "head -c 48 /dev/urandom > " + d.path() + "/t.tkey && chmod 600 " + d.path() + "/t.tkey"});
  ASSERT_EQ(made.exit_code, 0) << made.output;
  // Vhosts a.test and b.test on `ip`:`tls_port`; `probe_port` is the harness's readiness port.
  auto config = [&](const std::string& ip, int tls_port, int probe_port, const std::string& extra) {
    const std::string p = std::to_string(tls_port);
    std::string c = "Listen " + ip + ":" + p + " https\n";
    if (probe_port != tls_port) c += "Listen 127.0.0.1:" + std::to_string(probe_port) + "\n";
    c += "DocumentRoot htdocs\nErrorLog logs/error_log\nLogLevel info\nPidFile "
         "logs/tern.pid\nStartServers 1\nThreadsPerChild 2\nMinSpareThreads 1\n" +
         extra;
    for (const char* name : {"a", "b"}) {
      c += "<VirtualHost *:" + p + ">\nServerName " + name + ".test\nSSLEngine on\n" +
           "SSLCertificateFile " + cert(std::string(name) + ".pem") + "\nSSLCertificateKeyFile " +
           cert(std::string(name) + ".key") + "\n</VirtualHost>\n";
    }
    return c;
  };
  auto get = [&](const std::string& ip, int port, const std::string& args) {
    return run_process(
        {"/bin/sh", "-c",
         "printf 'GET /index.html HTTP/1.0\\r\\nHost: a.test\\r\\n\\r\\n' | openssl s_client "
         "-connect " +
             ip + ":" + std::to_string(port) + " -CAfile " + cert("ca.pem") +
             " -ign_eof -servername a.test " + args + " 2>&1"},
        30000);
  };
  for (const std::string version : {"-tls1_3", "-tls1_2"}) {
    for (const bool with_file : {true, false}) {
      const std::string extra =
          with_file ? "SSLSessionTicketKeyFile " + d.path() + "/t.tkey\n" : std::string();
      // The harness finds a port free on 127.0.0.1 only; when 127.0.0.2 has it taken,
      // both servers start over on another.
      std::unique_ptr<Server> one, two;
      int tls_port = 0;
      for (int attempt = 0; attempt < 5 && !two; ++attempt) {
        one = std::make_unique<Server>();
        one->put("index.html", "hello\n");
        ASSERT_TRUE(one->start_config([&](int port) {
          tls_port = port;
          return config("127.0.0.1", port, port, extra);
        })) << one->log();
        two = std::make_unique<Server>();
        two->put("index.html", "hello\n");
        if (two->start_config(
                [&](int port) { return config("127.0.0.2", tls_port, port, extra); })) {
          break;
        }
        ASSERT_NE(two->log().find("Address already in use"), std::string::npos) << two->log();
        two.reset();
      }
      ASSERT_TRUE(two) << "no port free on both 127.0.0.1 and 127.0.0.2";
      const std::string sess = d.path() + "/sess" + version + (with_file ? "f" : "n") + ".pem";
      ProcessResult first = get("127.0.0.1", tls_port, version + " -sess_out " + sess);
      ASSERT_NE(first.output.find("HTTP/1.1 200 OK"), std::string::npos) << first.output;
      ProcessResult second = get("127.0.0.2", tls_port, version + " -sess_in " + sess);
      ASSERT_NE(second.output.find("HTTP/1.1 200 OK"), std::string::npos)
          << second.output << two->log();
      EXPECT_EQ(reused(second), with_file) << version << " " << with_file << "\n" << second.output;
    }
  }
}

// SSLProtocol of the vhost SNI names applies (the ClientHello callback switches before
// the version is chosen); another vhost on the same address keeps TLS 1.2.
TEST_F(TlsSessionTest, ProtocolOfTheSniVhost) {
  Server s;
  ASSERT_TRUE(start(s, "", "", "SSLProtocol TLSv1.3")) << s.log();
  ProcessResult r = s_client(s, "-tls1_2 -servername b.test");
  EXPECT_EQ(r.output.find("HTTP/1.1 200 OK"), std::string::npos) << r.output;
  r = s_client(s, "-tls1_3 -servername b.test");
  EXPECT_NE(r.output.find("HTTP/1.1 200 OK"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("subject=CN = b.test"), std::string::npos) << r.output;
  r = s_client(s, "-tls1_2 -servername a.test");
  EXPECT_NE(r.output.find("HTTP/1.1 200 OK"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("TLSv1.2"), std::string::npos) << r.output;
}

// SSLCipherSuite (both forms) and SSLProtocol as s_client sees them.
TEST_F(TlsSessionTest, CipherSuiteAndProtocolSeenByClient) {
  Server s;
  ASSERT_TRUE(start(s,
                    "SSLProtocol -all +TLSv1.2\nSSLCipherSuite ECDHE-ECDSA-AES256-GCM-SHA384\n"
                    "SSLHonorCipherOrder on",
                    "", "SSLProtocol TLSv1.3\nSSLCipherSuite TLSv1.3 TLS_CHACHA20_POLY1305_SHA256"))
      << s.log();
  ProcessResult r = s_client(s, "-servername a.test");
  EXPECT_NE(r.output.find("Cipher is ECDHE-ECDSA-AES256-GCM-SHA384"), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("HTTP/1.1 200 OK"), std::string::npos) << r.output;
  r = s_client(s, "-tls1_3 -servername a.test");  // a.test: TLS 1.2 only
  EXPECT_EQ(r.output.find("HTTP/1.1 200 OK"), std::string::npos) << r.output;
  r = s_client(s, "-tls1_2 -cipher ECDHE-ECDSA-AES128-GCM-SHA256 -servername a.test");
  EXPECT_EQ(r.output.find("HTTP/1.1 200 OK"), std::string::npos) << r.output;
  r = s_client(s, "-servername b.test");
  EXPECT_NE(r.output.find("Cipher is TLS_CHACHA20_POLY1305_SHA256"), std::string::npos) << r.output;
}

// SSLVerifyClient require with SSLCACertificateFile: no certificate, no handshake; the
// test CA's client certificate gets the page.
TEST_F(TlsSessionTest, VerifyClientRequire) {
  Server s;
  ASSERT_TRUE(start(
      s, "", "SSLVerifyClient require\nSSLVerifyDepth 2\nSSLCACertificateFile " + cert("ca.pem")))
      << s.log();
  const std::string url = "https://a.test:" + std::to_string(s.port()) + "/index.html";
  const std::string resolve = "a.test:" + std::to_string(s.port()) + ":127.0.0.1";
  ProcessResult r = curl({"--cacert", cert("ca.pem"), "--resolve", resolve, "-o", "/dev/null", "-w",
                          "%{http_code}", url});
  EXPECT_NE(r.exit_code, 0) << r.output;
  r = curl({"--cacert", cert("ca.pem"), "--resolve", resolve, "--cert", cert("client.pem"), "--key",
            cert("client.key"), "-o", "/dev/null", "-w", "%{http_code}", url});
  EXPECT_EQ(r.exit_code, 0) << r.output << s.log();
  EXPECT_EQ(r.output, "200");
}

// tern -t on a configuration in a fresh directory.
ProcessResult check(const std::string& conf) {
  TempDir d;
  d.write("htdocs/index.html", "x\n");
  d.write("t.conf", conf);
  return run_process({TERN_BINARY, "-d", d.path(), "-f", "t.conf", "-t"}, 60000);
}

// Each policy directive's error names its file and line.
TEST_F(TlsSessionTest, ConfigErrorsNameFileAndLine) {
  const std::string head = "Listen 127.0.0.1:" + std::to_string(free_port()) +
                           " https\nDocumentRoot htdocs\nSSLEngine on\nSSLCertificateFile " +
                           cert("a.pem") + "\nSSLCertificateKeyFile " + cert("a.key") + "\n";
  struct Bad {
    std::string line;
    std::string expect;
  };
  const std::vector<Bad> bad = {
      {"SSLProtocol TLSv9", "t.conf:6: SSLProtocol: Illegal protocol 'TLSv9'"},
      {"SSLCipherSuite NOPE-CIPHER", "t.conf:6: SSLCipherSuite:"},
      {"SSLCipherSuite TLSv1.3 NOPE", "t.conf:6: SSLCipherSuite:"},
      {"SSLCipherSuite QUIC X", "t.conf:6: SSLCipherSuite:"},
      {"SSLHonorCipherOrder maybe", "t.conf:6: SSLHonorCipherOrder:"},
      {"SSLOpenSSLConfCmd NoSuchCommand x", "t.conf:6: SSLOpenSSLConfCmd:"},
      {"SSLOpenSSLConfCmd Curves nocurve", "t.conf:6: SSLOpenSSLConfCmd:"},
      {"SSLVerifyClient sometimes", "t.conf:6: SSLVerifyClient:"},
      {"SSLVerifyDepth -1", "t.conf:6: SSLVerifyDepth:"},
      {"<Location />\nSSLVerifyClient sometimes\n</Location>",
       "t.conf:7: SSLVerifyClient: Invalid argument 'sometimes'"},
      {"SSLCACertificateFile /nonexistent/ca.pem", "t.conf:6: SSLCACertificateFile:"},
      {"SSLCACertificatePath /nonexistent", "t.conf:6: SSLCACertificatePath:"},
      {"SSLSessionCache dbm:/tmp/x", "t.conf:6: SSLSessionCache: session cache provider 'dbm'"},
      {"SSLSessionCache shmcb:x(10)", "t.conf:6: SSLSessionCache:"},
      {"SSLSessionCacheTimeout -5", "t.conf:6: SSLSessionCacheTimeout:"},
      {"SSLSessionTickets maybe", "t.conf:6: SSLSessionTickets:"},
      {"SSLCompression on", "t.conf:6: SSLCompression: SSLCompression on is not supported"},
      {"SSLRandomSeed sometime builtin", "t.conf:6: SSLRandomSeed:"},
      {"SSLPassPhraseDialog ask", "t.conf:6: SSLPassPhraseDialog:"},
      {"<VirtualHost *:1>\nSSLSessionCache none\n</VirtualHost>", "t.conf:7: SSLSessionCache:"},
  };
  for (const Bad& b : bad) {
    ProcessResult r = check(head + b.line + "\n");
    EXPECT_NE(r.exit_code, 0) << b.line;
    EXPECT_NE(r.output.find(b.expect), std::string::npos) << b.line << "\n" << r.output;
  }
  // What Debian's ssl.conf and certbot's options-ssl-apache.conf write loads (certbot's
  // SSLOptions +StrictRequire aside; neither uses OCSP stapling).
  ProcessResult r = check(head +
                          "SSLRandomSeed startup builtin\nSSLRandomSeed connect file:/dev/urandom "
                          "512\nSSLPassPhraseDialog exec:/usr/share/apache2/ask-for-passphrase\n"
                          "SSLSessionCache shmcb:logs/ssl_scache(512000)\n"
                          "SSLSessionCacheTimeout 300\nSSLCipherSuite HIGH:!aNULL\n"
                          "SSLCipherSuite ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-"
                          "SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
                          "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:DHE-RSA-"
                          "AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384\n"
                          "SSLProtocol all -SSLv3\nSSLProtocol all -SSLv2 -SSLv3 -TLSv1 -TLSv1.1\n"
                          "SSLHonorCipherOrder off\nSSLSessionTickets off\nSSLCompression off\n"
                          "SSLOpenSSLConfCmd Curves X25519:prime256v1\n");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("Syntax OK"), std::string::npos) << r.output;
}

// `Listen 443` without a protocol is https (httpd's listen.c), and mod_ssl turns SSL on
// for a server there with certificates and SSLEngine unset: its key is loaded by -t. On
// another port the same server stays plain (its certificate is not loaded).
TEST_F(TlsSessionTest, Listen443IsHttpsByDefault) {
  const std::string certs = "SSLCertificateFile " + cert("a.pem") + "\nSSLCertificateKeyFile " +
                            cert("b.key") + "\n";  // mismatch
  ProcessResult r = check("Listen 127.0.0.1:443\nDocumentRoot htdocs\n" + certs);
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find(": SSLCertificateKeyFile: "), std::string::npos) << r.output;
  r = check("Listen 127.0.0.1:" + std::to_string(free_port()) + "\nDocumentRoot htdocs\n" + certs);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  // 443 without certificates: plain HTTP, as httpd with mod_ssl and no SSL server there.
  r = check("Listen 127.0.0.1:443\nDocumentRoot htdocs\n");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  // SSLEngine off keeps it plain too.
  r = check("Listen 127.0.0.1:443\nDocumentRoot htdocs\nSSLEngine off\n" + certs);
  EXPECT_EQ(r.exit_code, 0) << r.output;
}

// A key file shorter than 48 bytes is refused when the configuration loads, with where.
TEST_F(TlsSessionTest, ShortTicketKeyFileIsRefused) {
  TempDir d;
  const std::string key = d.write("short.tkey", "only 20 bytes here..");
  ProcessResult r =
      check("Listen 127.0.0.1:" + std::to_string(free_port()) +
            " https\nDocumentRoot htdocs\nSSLEngine on\nSSLCertificateFile " + cert("a.pem") +
            "\nSSLCertificateKeyFile " + cert("a.key") + "\nSSLSessionTicketKeyFile " + key + "\n");
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("t.conf:6: SSLSessionTicketKeyFile: Failed to load ticket key"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("20 bytes read, 48 needed"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace tern::test
