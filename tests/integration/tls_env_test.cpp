// The request side of TLS (issue 13): SSLOptions +StdEnvVars/+ExportCertData in the CGI
// environment (Debian's default-ssl.conf sections), the access log's %{VAR}x,
// SSLVHostSNIPolicy's 421 and SSLStrictSNIVHostCheck's 403, SSL_* in <If> expressions, and
// the environment beside Debian's apache2 + mod_ssl. Certificates are made at test time.

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <map>
#include <regex>
#include <string>

#include "apache_harness.h"
#include "harness.h"
#include "test_pki.h"

namespace tern::test {
namespace {

class TlsEnvTest : public PkiSuite<TlsEnvTest> {
 public:
  // The suite's PKI (PkiSuite).
  static std::string ca_subject() { return "/O=tern test/CN=tern-test-ca"; }
  static std::vector<TestLeaf> leaves() {
    return {leaf_for_host("a", "a.test", "/O=tern test"),
            leaf_for_host("b", "b.test", "/O=tern test"),
            leaf_for_host("alice", "alice", "/O=tern test"),
            {"inter", "/O=tern test/CN=tern-test-intermediate",
             "basicConstraints=critical,CA:true\nkeyUsage=critical,keyCertSign"}};
  }

 protected:
  // One TLS address: vhost a.test (default), b.test (its own certificate) and c.test
  // (a.test's certificate); `main` goes into the main server, `in_a` into a.test.
  static bool start(Server& s, const std::string& main, const std::string& in_a = "") {
    s.put("index.html", "hello\n");
    return s.start_config([&](int port) {
      const std::string p = std::to_string(port);
      const std::string a_cert = "SSLEngine on\nSSLCertificateFile " + cert("a.pem") +
                                 "\nSSLCertificateKeyFile " + cert("a.key") + "\n";
      return "Listen 127.0.0.1:" + p +
             " https\nDocumentRoot htdocs\nErrorLog logs/error_log\nLogLevel info\n"
             "PidFile logs/tern.pid\nThreadsPerChild 4\nStartServers 1\nMinSpareThreads 1\n"
             "MaxSpareThreads 8\n" +
             main + "\n<VirtualHost *:" + p + ">\nServerName a.test\n" + a_cert + in_a +
             "</VirtualHost>\n<VirtualHost *:" + p +
             ">\nServerName b.test\nSSLEngine on\nSSLCertificateFile " + cert("b.pem") +
             "\nSSLCertificateKeyFile " + cert("b.key") + "\n</VirtualHost>\n<VirtualHost *:" + p +
             ">\nServerName c.test\n" + a_cert + "</VirtualHost>\n";
    });
  }
  // curl to https://`sni`:port`path` (resolved to the server) with the test CA.
  static ProcessResult get(const Server& s, const std::string& sni, const std::string& path,
                           std::vector<std::string> extra = {}) {
    const std::string p = std::to_string(s.port());
    std::vector<std::string> argv{"--cacert", cert("ca.pem"), "--resolve",
                                  sni + ":" + p + ":127.0.0.1"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    argv.push_back("https://" + sni + ":" + p + path);
    return curl(argv);
  }
  static int status_of(const Server& s, const std::string& sni, const std::string& host,
                       std::vector<std::string> extra = {}) {
    extra.insert(extra.end(), {"-o", "/dev/null", "-w", "%{http_code}", "-H", "Host: " + host});
    ProcessResult r = get(s, sni, "/", extra);
    return r.exit_code == 0 ? std::atoi(r.output.c_str()) : -1;
  }
  static void script(Server& s, const std::string& rel) {
    s.root().write(rel, kSortedEnvScript);
    ::chmod((s.root().path() + "/" + rel).c_str(), 0755);
  }
};

// Debian's default-ssl.conf: +StdEnvVars for <FilesMatch> on CGI-like names and for the
// <Directory> of the CGI scripts; elsewhere only HTTPS and SSL_TLS_SNI (ssl_hook_Fixup).
TEST_F(TlsEnvTest, StdEnvVarsInDebiansFilesMatchAndDirectorySections) {
  Server s;
  script(s, "cgi-bin/env");
  script(s, "raw/env");
  script(s, "raw/env.cgi");
  script(s, "raw/cert.sh");
  const std::string root = s.root().path();
  ASSERT_TRUE(start(s,
                    "ScriptAlias /cgi-bin/ cgi-bin/\nScriptAlias /raw/ raw/\n"
                    "<FilesMatch \"\\.(?:cgi|shtml|phtml|php)$\">\n  SSLOptions +StdEnvVars\n"
                    "</FilesMatch>\n<Directory " +
                        root +
                        "/cgi-bin>\n  SSLOptions +StdEnvVars\n</Directory>\n"
                        "<Location /raw/cert.sh>\n  SSLOptions +ExportCertData\n</Location>\n"))
      << s.log();
  ProcessResult r = get(s, "a.test", "/cgi-bin/env");
  ASSERT_EQ(r.exit_code, 0) << r.output << s.log();
  std::map<std::string, std::string> env = parse_env(r.output);
  EXPECT_EQ(env["HTTPS"], "on");
  EXPECT_EQ(env["SSL_PROTOCOL"], "TLSv1.3") << r.output;
  EXPECT_EQ(env["SSL_TLS_SNI"], "a.test");
  EXPECT_FALSE(env["SSL_CIPHER"].empty()) << r.output;
  EXPECT_EQ(env["SSL_CIPHER_USEKEYSIZE"], env["SSL_CIPHER_ALGKEYSIZE"]);
  EXPECT_EQ(env["SSL_SESSION_RESUMED"], "Initial");
  EXPECT_TRUE(std::regex_match(env["SSL_SESSION_ID"], std::regex("[0-9A-F]{64}")))
      << env["SSL_SESSION_ID"];
  EXPECT_EQ(env["SSL_SERVER_S_DN"], "CN=a.test,O=tern test");
  EXPECT_EQ(env["SSL_SERVER_S_DN_CN"], "a.test");
  EXPECT_EQ(env["SSL_SERVER_I_DN"], "CN=tern-test-ca,O=tern test");
  EXPECT_EQ(env["SSL_SERVER_SAN_DNS_0"], "a.test");
  EXPECT_EQ(env["SSL_CLIENT_VERIFY"], "NONE");
  EXPECT_EQ(env.count("SSL_CLIENT_S_DN"), 0u);
  EXPECT_EQ(env["SSL_VERSION_LIBRARY"].rfind("OpenSSL/3.", 0), 0u) << r.output;
  EXPECT_EQ(env["SSL_VERSION_INTERFACE"].rfind("tern/", 0), 0u) << r.output;
  EXPECT_EQ(env.count("SSL_SERVER_CERT"), 0u);

  // <FilesMatch> gives a .cgi elsewhere the variables; a name it does not match gets none.
  r = get(s, "a.test", "/raw/env.cgi", {"--tls-max", "1.2"});
  env = parse_env(r.output);
  EXPECT_EQ(env["SSL_PROTOCOL"], "TLSv1.2") << r.output;
  r = get(s, "b.test", "/raw/env");
  env = parse_env(r.output);
  EXPECT_EQ(env["HTTPS"], "on") << r.output;
  EXPECT_EQ(env["SSL_TLS_SNI"], "b.test") << r.output;
  EXPECT_EQ(env.count("SSL_PROTOCOL"), 0u) << r.output;
  EXPECT_EQ(env.count("SSL_CIPHER"), 0u) << r.output;

  // +ExportCertData: the server certificate in PEM, an empty SSL_CLIENT_CERT without one.
  r = get(s, "a.test", "/raw/cert.sh");
  EXPECT_NE(r.output.find("SSL_SERVER_CERT=-----BEGIN CERTIFICATE-----\n"), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("\nSSL_CLIENT_CERT=\n"), std::string::npos) << r.output;
  EXPECT_EQ(parse_env(r.output).count("SSL_PROTOCOL"), 0u);
}

TEST_F(TlsEnvTest, SslOptionsErrorsAndHtaccessNeedAllowOverrideOptions) {
  Server s;
  EXPECT_FALSE(start(s, "SSLOptions +FakeBasicAuth\n"));
  EXPECT_NE(s.log().find("'FakeBasicAuth' is not supported by tern"), std::string::npos) << s.log();
  Server t;
  EXPECT_FALSE(start(t, "SSLOptions +Nonsense\n"));
  EXPECT_NE(t.log().find("SSLOptions: Illegal option 'Nonsense'"), std::string::npos) << t.log();

  // .htaccess: allowed with AllowOverride Options, a 500 without.
  Server h;
  script(h, "cgi-bin/env");
  script(h, "cgi2/env");
  h.root().write("cgi-bin/.htaccess", "SSLOptions +StdEnvVars\n");
  h.root().write("cgi2/.htaccess", "SSLOptions +StdEnvVars\n");
  const std::string root = h.root().path();
  ASSERT_TRUE(start(h, "ScriptAlias /cgi-bin/ cgi-bin/\nScriptAlias /cgi2/ cgi2/\n<Directory " +
                           root + "/cgi-bin>\nAllowOverride Options\n</Directory>\n<Directory " +
                           root + "/cgi2>\nAllowOverride None\n</Directory>\n"))
      << h.log();
  ProcessResult r = get(h, "a.test", "/cgi-bin/env");
  EXPECT_EQ(parse_env(r.output)["SSL_PROTOCOL"], "TLSv1.3") << r.output << h.log();
  r = get(h, "a.test", "/cgi2/env");
  EXPECT_EQ(parse_env(r.output).count("SSL_PROTOCOL"), 0u) << r.output;
}

// Over TLS, SSLRequireSSL and `Require ssl` let the request in and `Require not ssl`
// refuses it (the plain-connection side beside Debian's apache2 is in
// ssl_require_apache_compare_test.cpp).
TEST_F(TlsEnvTest, SslRequireSslAndRequireSslGrantTlsRequests) {
  Server s;
  for (const char* f : {"r/f", "strict/f", "rs/f", "ns/f"}) s.put(f, "file\n");
  ASSERT_TRUE(start(s,
                    "<Location /r>\nSSLRequireSSL\n</Location>\n<Location /strict>\n"
                    "SSLRequireSSL\nSSLOptions +StrictRequire\nSatisfy Any\nRequire all denied\n"
                    "</Location>\n<Location /rs>\nRequire ssl\n</Location>\n<Location /ns>\n"
                    "<RequireAll>\nRequire all granted\nRequire not ssl\n</RequireAll>\n"
                    "</Location>\n"))
      << s.log();
  const auto code = [&](const std::string& path) {
    ProcessResult r = get(s, "a.test", path, {"-o", "/dev/null", "-w", "%{http_code}"});
    return r.exit_code == 0 ? std::atoi(r.output.c_str()) : -1;
  };
  EXPECT_EQ(code("/r/f"), 200) << s.log();
  // Satisfy Any over TLS: the access checkers pass, so Require is not asked.
  EXPECT_EQ(code("/strict/f"), 200) << s.log();
  EXPECT_EQ(code("/rs/f"), 200) << s.log();
  EXPECT_EQ(code("/ns/f"), 403) << s.log();
  EXPECT_EQ(s.log().find("AH02219"), std::string::npos) << s.log();
}

// %{VAR}x: mod_ssl's variables; "-" on a plain connection and for an unknown name.
TEST_F(TlsEnvTest, LogFormatXDirective) {
  Server s;
  ASSERT_TRUE(start(s,
                    "LogFormat \"%{SSL_PROTOCOL}x %{SSL_CIPHER}x %{SSL_TLS_SNI}x "
                    "%{SSL_CLIENT_VERIFY}x %{SSL_SESSION_RESUMED}x %{SSL_NOPE}x %{HTTPS}x\" tls\n"
                    "CustomLog logs/tls_log tls\n"))
      << s.log();
  ProcessResult r = get(s, "b.test", "/", {"--tls-max", "1.2"});
  ASSERT_EQ(r.output, "hello\n") << r.output << s.log();
  // Python: a full handshake, then a resumed one with the first session.
  const std::string py =
      "import socket, ssl, sys\n"
      "ctx = ssl.create_default_context(cafile=sys.argv[2])\n"
      "ctx.maximum_version = ssl.TLSVersion.TLSv1_2\n"
      "sess = None\n"
      "for i in range(2):\n"
      "    s = ctx.wrap_socket(socket.create_connection(('127.0.0.1', int(sys.argv[1]))),\n"
      "                        server_hostname='a.test', session=sess)\n"
      "    s.sendall(b'GET / HTTP/1.1\\r\\nHost: a.test\\r\\nConnection: close\\r\\n\\r\\n')\n"
      "    while s.recv(4096): pass\n"
      "    sess = s.session\n"
      "    print(s.session_reused)\n"
      "    s.close()\n";
  TempDir d;
  ProcessResult p = run_process(
      {"/usr/bin/python3", d.write("r.py", py), std::to_string(s.port()), cert("ca.pem")}, 60000);
  EXPECT_EQ(p.output, "False\nTrue\n") << p.output << s.log();
  // Plain HTTP on the TLS port: mod_ssl's 400, logged with "-" for every SSL variable.
  auto plain = fetch(s.port(), "GET / HTTP/1.1\r\nHost: a.test\r\n\r\n");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->status, 400);
  std::vector<std::string> lines = wait_lines([&] { return s.read("logs/tls_log"); }, 4);
  ASSERT_EQ(lines.size(), 4u) << s.read("logs/tls_log");
  EXPECT_TRUE(std::regex_match(
      lines[0], std::regex("TLSv1\\.2 ECDHE-ECDSA-[A-Z0-9-]+ b\\.test NONE Initial - on")))
      << lines[0];
  EXPECT_TRUE(std::regex_match(lines[1], std::regex("TLSv1\\.2 \\S+ a\\.test NONE Initial - on")))
      << lines[1];
  EXPECT_TRUE(std::regex_match(lines[2], std::regex("TLSv1\\.2 \\S+ a\\.test NONE Resumed - on")))
      << lines[2];
  EXPECT_EQ(lines[3], "- - - - - - off");
}

// SSLVHostSNIPolicy: a Host naming another vhost than SNI did.
TEST_F(TlsEnvTest, SniPolicySecureRefusesOnlyIncompatibleVhosts) {
  Server s;
  ASSERT_TRUE(start(s, "")) << s.log();
  EXPECT_EQ(status_of(s, "a.test", "a.test"), 200);
  EXPECT_EQ(status_of(s, "a.test", "b.test"), 421);  // another certificate
  EXPECT_EQ(status_of(s, "a.test", "c.test"), 200);  // the same TLS settings
  EXPECT_EQ(status_of(s, "b.test", "a.test"), 421);
  // No SNI: the address's default vhost (a.test) is compared, as httpd 2.4.71 does.
  const std::string p = std::to_string(s.port());
  ProcessResult r = curl({"-k", "-o", "/dev/null", "-w", "%{http_code}", "-H", "Host: b.test",
                          "https://127.0.0.1:" + p + "/"});
  EXPECT_EQ(r.output, "421");
  r = curl({"-k", "-o", "/dev/null", "-w", "%{http_code}", "-H", "Host: c.test",
            "https://127.0.0.1:" + p + "/"});
  EXPECT_EQ(r.output, "200");
  EXPECT_TRUE(wait_until([&] {
    return s.read("logs/error_log")
               .find(
                   "AH02032: Hostname a.test provided via SNI and hostname b.test provided via "
                   "HTTP have no compatible SSL setup") != std::string::npos;
  })) << s.read("logs/error_log");
}

TEST_F(TlsEnvTest, SniPolicyStrictInsecureAndStrictSniVhostCheck) {
  Server strict;
  ASSERT_TRUE(start(strict, "SSLVHostSNIPolicy strict\n")) << strict.log();
  EXPECT_EQ(status_of(strict, "a.test", "c.test"), 421);
  EXPECT_EQ(status_of(strict, "a.test", "a.test"), 200);
  Server insecure;
  ASSERT_TRUE(start(insecure, "SSLVHostSNIPolicy insecure\n")) << insecure.log();
  EXPECT_EQ(status_of(insecure, "a.test", "b.test"), 200);
  Server bad;
  EXPECT_FALSE(start(bad, "SSLVHostSNIPolicy lax\n"));
  EXPECT_NE(bad.log().find("SSLVHostSNIPolicy: Invalid argument 'lax'"), std::string::npos)
      << bad.log();
  Server in_vhost;
  EXPECT_FALSE(start(in_vhost, "", "SSLVHostSNIPolicy strict\n"));
  EXPECT_NE(in_vhost.log().find("cannot occur within <VirtualHost> section"), std::string::npos)
      << in_vhost.log();
  // SSLStrictSNIVHostCheck on: a client without SNI gets 403; with SNI it is served.
  Server sni;
  ASSERT_TRUE(start(sni, "", "SSLStrictSNIVHostCheck on\n")) << sni.log();
  EXPECT_EQ(status_of(sni, "a.test", "a.test"), 200);
  ProcessResult r = curl({"-k", "-o", "/dev/null", "-w", "%{http_code}", "-H", "Host: a.test",
                          "https://127.0.0.1:" + std::to_string(sni.port()) + "/"});
  EXPECT_EQ(r.output, "403");
}

// Client certificates: the SSL_CLIENT_* variables, `Require ssl-verify-client` and an <If>
// on the subject's CN. The handshake asks for the certificate with SSLVerifyClient, which
// the policy branch (tls-policy) adds: without it this test is skipped.
TEST_F(TlsEnvTest, ClientCertificateVariablesAndRequire) {
  Server s;
  script(s, "cgi-bin/env");
  s.put("verified/index.html", "verified\n");
  s.put("alice/index.html", "alice\n");
  const bool started = start(
      s,
      "ScriptAlias /cgi-bin/ cgi-bin/\n<Directory " + s.root().path() +
          "/cgi-bin>\nSSLOptions +StdEnvVars +ExportCertData\n</Directory>\n"
          "<Location /verified>\nRequire ssl-verify-client\n</Location>\n"
          "<If \"%{REQUEST_URI} =~ m#^/alice# && %{SSL_CLIENT_S_DN_CN} != 'alice'\">\n"
          "Require all denied\n</If>\n"
          "LogFormat \"%{SSL_CLIENT_VERIFY}x %{SSL_CLIENT_S_DN}x\" cv\nCustomLog logs/cv_log cv\n",
      "SSLVerifyClient optional\nSSLCACertificateFile " + cert("ca.pem") + "\n");
  ASSERT_TRUE(started) << s.log();
  const std::vector<std::string> as_alice{"--cert", cert("alice.pem"), "--key", cert("alice.key")};
  ProcessResult r = get(s, "a.test", "/cgi-bin/env", as_alice);
  std::map<std::string, std::string> env = parse_env(r.output);
  EXPECT_EQ(env["SSL_CLIENT_VERIFY"], "SUCCESS") << r.output;
  EXPECT_EQ(env["SSL_CLIENT_S_DN"], "CN=alice,O=tern test");
  EXPECT_EQ(env["SSL_CLIENT_S_DN_CN"], "alice");
  EXPECT_EQ(env["SSL_CLIENT_I_DN"], "CN=tern-test-ca,O=tern test");
  EXPECT_TRUE(std::regex_match(env["SSL_CLIENT_M_SERIAL"], std::regex("[0-9A-F]+")));
  EXPECT_EQ(env["SSL_CLIENT_CERT"], "-----BEGIN CERTIFICATE-----");
  r = get(s, "a.test", "/verified/", as_alice);
  EXPECT_EQ(r.output, "verified\n");
  r = get(s, "a.test", "/alice/", as_alice);
  EXPECT_EQ(r.output, "alice\n");
  // Without a certificate: NONE, and both rules refuse.
  r = get(s, "a.test", "/verified/", {"-o", "/dev/null", "-w", "%{http_code}"});
  EXPECT_EQ(r.output, "403");
  r = get(s, "a.test", "/alice/", {"-o", "/dev/null", "-w", "%{http_code}"});
  EXPECT_EQ(r.output, "403");
  r = get(s, "a.test", "/cgi-bin/env");
  EXPECT_EQ(parse_env(r.output)["SSL_CLIENT_VERIFY"], "NONE");
  std::vector<std::string> lines = wait_lines([&] { return s.read("logs/cv_log"); }, 1);
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines[0], "SUCCESS CN=alice,O=tern test");
}

// SSL_* variables in expressions (mod_ssl's expr_lookup), `Require ssl-verify-client`
// without a client certificate.
TEST_F(TlsEnvTest, SslVariablesInIfExpressions) {
  Server s;
  s.put("verified/index.html", "verified\n");
  ASSERT_TRUE(start(s,
                    "<If \"%{SSL_PROTOCOL} == 'TLSv1.2' || %{SSL_TLS_SNI} == 'b.test'\">\n"
                    "Require all denied\n</If>\n"
                    "<Location /verified>\nRequire ssl-verify-client\n</Location>\n"))
      << s.log();
  EXPECT_EQ(status_of(s, "a.test", "a.test"), 200);
  EXPECT_EQ(status_of(s, "a.test", "a.test", {"--tls-max", "1.2"}), 403);
  EXPECT_EQ(status_of(s, "b.test", "b.test"), 403);
  ProcessResult r = get(s, "a.test", "/verified/", {"-o", "/dev/null", "-w", "%{http_code}"});
  EXPECT_EQ(r.output, "403");
}

// The same configuration under Debian's apache2 + mod_ssl: the same SSL_* names, the same
// values except those that differ by nature (session id: same shape; the interface).
TEST_F(TlsEnvTest, StdEnvVarsMatchDebiansApache) {
  ASSERT_TRUE(ApacheServer::available() &&
              ::access("/usr/lib/apache2/modules/mod_ssl.so", R_OK) == 0)
      << "apache2 with mod_ssl is missing: scripts/deps.sh test installs it";
  ApacheServer apache;
  Server tern;
  apache.put_script("env.sh", kSortedEnvScript);
  const std::string shared =
      "ScriptAlias /cgi-bin/ " + apache.cgi_dir() + "/\nSSLEngine on\nSSLCertificateFile " +
      cert("a.pem") + "\nSSLCertificateKeyFile " + cert("a.key") + "\n<Directory " +
      apache.cgi_dir() + ">\nSSLOptions +StdEnvVars +ExportCertData\n</Directory>\n";
  start_both(apache, tern,
             "LoadModule ssl_module /usr/lib/apache2/modules/mod_ssl.so\n"
             "LoadModule socache_shmcb_module /usr/lib/apache2/modules/mod_socache_shmcb.so\n",
             "", shared);
  auto env_of = [&](int port) {
    const std::string p = std::to_string(port);
    ProcessResult r = curl({"--cacert", cert("ca.pem"), "--resolve", "a.test:" + p + ":127.0.0.1",
                            "https://a.test:" + p + "/cgi-bin/env.sh"});
    EXPECT_EQ(r.exit_code, 0) << r.output;
    std::map<std::string, std::string> ssl;
    for (const auto& [k, v] : parse_env(r.output)) {
      if (k.rfind("SSL_", 0) == 0 || k == "HTTPS") ssl[k] = v;
    }
    return ssl;
  };
  std::map<std::string, std::string> theirs = env_of(apache.port());
  std::map<std::string, std::string> ours = env_of(tern.port());
  ASSERT_FALSE(theirs.empty()) << apache.log();
  std::string names_theirs, names_ours;
  for (const auto& [k, v] : theirs) names_theirs += k + "\n";
  for (const auto& [k, v] : ours) names_ours += k + "\n";
  EXPECT_EQ(names_ours, names_theirs);
  size_t compared = 0;
  for (const auto& [k, v] : theirs) {
    if (k == "SSL_VERSION_INTERFACE" || k == "SSL_SESSION_ID") continue;
    ++compared;
    if (k == "SSL_SERVER_CERT") {
      // parse_env keeps the first line of a multi-line value.
      EXPECT_EQ(ours[k], v);
      continue;
    }
    EXPECT_EQ(ours[k], v) << k;
  }
  EXPECT_GE(compared, 25u) << names_theirs;  // the standard set, not an empty one
  EXPECT_EQ(ours["SSL_SESSION_ID"].size(), theirs["SSL_SESSION_ID"].size());
  EXPECT_EQ(theirs["SSL_VERSION_INTERFACE"].rfind("mod_ssl/2.4.", 0), 0u);
}

// +ExportCertData with a client that sends its certificate and an intermediate CA: the
// intermediate is SSL_CLIENT_CERT_CHAIN_0 (the client's own certificate is not part of
// the chain), the same as Debian's apache2 + mod_ssl on the same configuration.
TEST_F(TlsEnvTest, ClientCertChainMatchesDebiansApache) {
  ASSERT_TRUE(ApacheServer::available() &&
              ::access("/usr/lib/apache2/modules/mod_ssl.so", R_OK) == 0)
      << "apache2 with mod_ssl is missing: scripts/deps.sh test installs it";
  // bob's certificate is signed by the intermediate, which the CA signed.
  TempDir d;
  ProcessResult made =
      run_process({"/bin/sh", "-c",
                   "cd " + d.path() +
                       " && openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
                       "-subj '/O=tern test/CN=bob' -keyout bob.key -out bob.csr 2>&1 && "
                       "openssl x509 -req -in bob.csr -CA " +
                       cert("inter.pem") + " -CAkey " + cert("inter.key") +
                       " -set_serial 7 -days 2 -out bob.pem 2>&1 && cat bob.pem " +
                       cert("inter.pem") + " > bob-chain.pem"});
  ASSERT_EQ(made.exit_code, 0) << made.output;
  ApacheServer apache;
  Server tern;
  apache.put_script("chain.sh",
                    "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\n'\n"
                    "env | grep -c '^SSL_CLIENT_CERT_CHAIN_'\n"
                    "printf '%s\\n' \"$SSL_CLIENT_CERT_CHAIN_0\" | openssl x509 -noout -subject "
                    "2>&1\nprintf '%s\\n' \"$SSL_CLIENT_CERT\" | openssl x509 -noout -subject "
                    "2>&1\n");
  const std::string shared =
      "ScriptAlias /cgi-bin/ " + apache.cgi_dir() + "/\nSSLEngine on\nSSLCertificateFile " +
      cert("a.pem") + "\nSSLCertificateKeyFile " + cert("a.key") +
      "\nSSLVerifyClient require\nSSLVerifyDepth 2\nSSLCACertificateFile " + cert("ca.pem") +
      "\n<Directory " + apache.cgi_dir() + ">\nSSLOptions +ExportCertData\n</Directory>\n";
  start_both(apache, tern,
             "LoadModule ssl_module /usr/lib/apache2/modules/mod_ssl.so\n"
             "LoadModule socache_shmcb_module /usr/lib/apache2/modules/mod_socache_shmcb.so\n",
             "", shared);
  auto chain_of = [&](int port) {
    const std::string p = std::to_string(port);
    ProcessResult r =
        curl({"--cacert", cert("ca.pem"), "--cert", d.path() + "/bob-chain.pem", "--key",
              d.path() + "/bob.key", "--resolve", "a.test:" + p + ":127.0.0.1",
              "https://a.test:" + p + "/cgi-bin/chain.sh"});
    EXPECT_EQ(r.exit_code, 0) << r.output;
    return r.output;
  };
  const std::string theirs = chain_of(apache.port());
  EXPECT_EQ(theirs,
            "1\nsubject=O = tern test, CN = tern-test-intermediate\n"
            "subject=O = tern test, CN = bob\n")
      << apache.log();
  EXPECT_EQ(chain_of(tern.port()), theirs) << tern.log();
}

}  // namespace
}  // namespace tern::test
