// TLS end to end (issue 13, stage 1): `Listen … https` and SSLEngine on, certificates per
// vhost chosen by SNI, the handshake as a listener wait, plaintext HTTP on a TLS port, and
// https in every URL tern builds. Certificates are made at test time with the openssl CLI
// (a test CA, an ECDSA leaf per name and an RSA one beside it); none is committed.

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <fstream>
#include <functional>
#include <memory>
#include <regex>
#include <sstream>
#include <string>

#include "apache_harness.h"
#include "harness.h"
#include "tls_fixture.h"

namespace tern::test {
namespace {

TEST_F(TlsTest, CurlGetHeadAndKeepAliveReuse) {
  Server s;
  ASSERT_TRUE(start_tls(s)) << s.log();
  ProcessResult r = tls_curl(s, "a.test", {"-i", https(s, "a.test", "/")});
  ASSERT_EQ(r.exit_code, 0) << r.output << s.log();
  EXPECT_EQ(r.output.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << r.output;
  EXPECT_NE(r.output.find("\r\n\r\nhello over tls\n"), std::string::npos) << r.output;
  r = tls_curl(s, "a.test", {"-I", https(s, "a.test", "/")});
  EXPECT_NE(r.output.find("Content-Length: 15\r\n"), std::string::npos) << r.output;
  // Two requests, one connection: curl connects once.
  r = tls_curl(s, "a.test",
               {"-w", "[%{num_connects}]", "-o", "/dev/null", https(s, "a.test", "/"), "-o",
                "/dev/null", https(s, "a.test", "/dir/")});
  EXPECT_EQ(r.output, "[1][0]") << r.output;
}

TEST_F(TlsTest, OneMebibyteFileAndLargePostToCgi) {
  Server s;
  std::string big(1 << 20, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>('a' + i * 7 % 26);
  s.put("big.bin", big);
  s.root().write("cgi-bin/env.cgi",
                 "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\n'\n"
                 "echo \"scheme=$REQUEST_SCHEME https=$HTTPS port=$SERVER_PORT\"\n"
                 "echo \"body=$(wc -c | tr -d ' ')\"\n");
  ::chmod((s.root().path() + "/cgi-bin/env.cgi").c_str(), 0755);
  ASSERT_TRUE(start_tls(s, "ScriptAlias /cgi-bin/ cgi-bin/\n")) << s.log();
  TempDir out;
  ProcessResult r =
      tls_curl(s, "a.test", {"-o", out.path() + "/big", https(s, "a.test", "/big.bin")});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(slurp(out.path() + "/big") == big) << "1 MiB body differs";
  // 3 MiB of body in many TLS records.
  std::string post(3 << 20, 'p');
  out.write("post", post);
  r = tls_curl(
      s, "a.test",
      {"--data-binary", "@" + out.path() + "/post", https(s, "a.test", "/cgi-bin/env.cgi")});
  ASSERT_EQ(r.exit_code, 0) << r.output << s.log();
  EXPECT_NE(r.output.find("scheme=https https=on port=" + std::to_string(s.port())),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("body=3145728"), std::string::npos) << r.output;
}

// A slow reader with a small receive buffer: the server's writes stop on a full socket
// again and again, with records already encrypted but not sent; every byte still arrives
// once and in order, over a keep-alive connection that then answers a second request.
TEST_F(TlsTest, SlowReaderGetsEveryByteOfLargeResponses) {
  Server s;
  std::string big(3 << 20, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>('a' + i * 13 % 26);
  const std::string file = s.put("big.bin", big);
  ASSERT_TRUE(start_tls(s)) << s.log();
  ProcessResult r = python(kSlowReader, {std::to_string(s.port()), cert("ca.pem"), file});
  EXPECT_EQ(r.output, "True 3145728\nTrue 3145728\n") << s.log();
}

TEST_F(TlsTest, UrlsTernBuildsSayHttps) {
  Server s;
  ASSERT_TRUE(start_tls(s)) << s.log();
  const std::string base = "https://a.test:" + std::to_string(s.port());
  ProcessResult r = tls_curl(s, "a.test", {"-I", https(s, "a.test", "/dir")});
  EXPECT_NE(r.output.find("Location: " + base + "/dir/\r\n"), std::string::npos) << r.output;
  r = tls_curl(s, "a.test", {"-I", https(s, "a.test", "/old")});
  EXPECT_NE(r.output.find("Location: " + base + "/new\r\n"), std::string::npos) << r.output;
}

TEST_F(TlsTest, SniChoosesTheVhostCertificateAndNoSniTheDefault) {
  Server s;
  ASSERT_TRUE(start_tls(s)) << s.log();
  ProcessResult r = s_client(s, {"-servername", "b.test"});
  EXPECT_NE(r.output.find("subject=CN = b.test"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("Verify return code: 0 (ok)"), std::string::npos) << r.output;
  r = s_client(s, {"-servername", "x.wild.test"});
  EXPECT_NE(r.output.find("subject=CN = *.wild.test"), std::string::npos) << r.output;
  r = s_client(s, {"-noservername"});
  EXPECT_NE(r.output.find("subject=CN = a.test"), std::string::npos) << r.output;
  r = s_client(s, {"-servername", "unknown.test"});  // no match: the address's default
  EXPECT_NE(r.output.find("subject=CN = a.test"), std::string::npos) << r.output;
  // RSA and ECDSA side by side on a.test: the client's signature algorithms choose.
  r = s_client(s, {"-servername", "a.test", "-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256"});
  EXPECT_NE(r.output.find("Server public key is 2048 bit"), std::string::npos) << r.output;
  r = s_client(s, {"-servername", "a.test", "-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256"});
  EXPECT_NE(r.output.find("Server public key is 256 bit"), std::string::npos) << r.output;
  // ALPN: http/1.1; TLS 1.1 is refused by the defaults.
  r = s_client(s, {"-servername", "a.test", "-alpn", "h2,http/1.1"});
  EXPECT_NE(r.output.find("ALPN protocol: http/1.1"), std::string::npos) << r.output;
  r = s_client(s, {"-servername", "a.test", "-tls1_1"});
  EXPECT_EQ(r.output.find("BEGIN CERTIFICATE"), std::string::npos) << r.output;
}

TEST_F(TlsTest, PlainHttpOnTheTlsPortGetsModSslsAnswer) {
  Server s;
  ASSERT_TRUE(start_tls(s)) << s.log();
  auto resp = fetch(s.port(), "GET / HTTP/1.1\r\nHost: a.test\r\n\r\n");
  ASSERT_TRUE(resp.has_value());
  EXPECT_EQ(resp->status, 400);
  // httpd's ssl_engine_kernel.c, in the 400 page's paragraph.
  EXPECT_NE(resp->body.find("<p>Your browser sent a request that this server could not "
                            "understand.<br />\nReason: You're speaking plain HTTP to an "
                            "SSL-enabled server port.<br />\n Instead use the HTTPS scheme to "
                            "access this URL, please.<br />\n</p>\n"),
            std::string::npos)
      << resp->body;
  EXPECT_EQ(resp->header("Connection").value_or(""), "close");
}

TEST_F(TlsTest, PlainHttpAnswerMatchesDebiansApache) {
  ASSERT_TRUE(ApacheServer::available() &&
              ::access("/usr/lib/apache2/modules/mod_ssl.so", R_OK) == 0)
      << "apache2 with mod_ssl is missing: scripts/deps.sh test installs it";
  ApacheServer apache;
  ASSERT_TRUE(
      apache.start("LoadModule ssl_module /usr/lib/apache2/modules/mod_ssl.so\n"
                   "SSLEngine on\nSSLCertificateFile " +
                   cert("a.pem") + "\nSSLCertificateKeyFile " + cert("a.key") + "\n"))
      << apache.log();
  Server s;
  ASSERT_TRUE(start_tls(s)) << s.log();
  const std::string req = "GET /x HTTP/1.1\r\nHost: a.test\r\n\r\n";
  auto theirs = fetch(apache.port(), req);
  auto ours = fetch(s.port(), req);
  ASSERT_TRUE(theirs && ours);
  EXPECT_EQ(ours->status, theirs->status);
  EXPECT_EQ(ours->body, theirs->body);
  EXPECT_EQ(ours->header("Connection"), theirs->header("Connection"));
  EXPECT_EQ(ours->header("Content-Type"), theirs->header("Content-Type"));
}

TEST_F(TlsTest, GarbageAndTruncatedHandshakesEndWithALogLineAndTheServerGoesOn) {
  Server s;
  ASSERT_TRUE(start_tls(s)) << s.log();
  ProcessResult r = python(
      "import socket, sys\n"
      "port = int(sys.argv[1])\n"
      "for data in [b'\\x01\\x02garbage\\r\\n', b'\\x16\\x03\\x01\\x00\\x05hello',\n"
      "             b'\\x16\\x03\\x01\\x40\\x00' + b'x' * 100]:\n"
      "    c = socket.create_connection(('127.0.0.1', port))\n"
      "    c.sendall(data)\n"
      "    if data.startswith(b'\\x16\\x03\\x01\\x40'):\n"
      "        c.shutdown(socket.SHUT_WR)  # a truncated record, then EOF\n"
      "    c.settimeout(20)\n"
      "    try:\n"
      "        while c.recv(4096): pass\n"
      "    except ConnectionResetError: pass\n"
      "    print('closed')\n",
      {std::to_string(s.port())});
  EXPECT_EQ(r.output, "closed\nclosed\nclosed\n") << r.output;
  EXPECT_TRUE(wait_until(
      [&] {
        std::string log = s.read("logs/error_log");
        size_t n = 0;
        for (size_t at = 0; (at = log.find("[ssl:info]", at)) != std::string::npos; ++at) ++n;
        return n >= 2;
      },
      std::chrono::seconds(10)))
      << s.read("logs/error_log");
  EXPECT_NE(s.read("logs/error_log").find("SSL handshake failed"), std::string::npos);
  r = tls_curl(s, "a.test", {https(s, "a.test", "/")});
  EXPECT_EQ(r.output, "hello over tls\n") << r.output;
}

TEST_F(TlsTest, RenegotiationEndsTheConnectionWithALogLine) {
  Server s;
  ASSERT_TRUE(start_tls(s)) << s.log();
  // s_client renegotiates on a line "R" (TLS 1.2; TLS 1.3 has no renegotiation).
  ProcessResult r = run_process(
      {"/bin/sh", "-c",
       "(printf 'R\\n'; sleep 1; printf 'GET / HTTP/1.1\\r\\nHost: a.test\\r\\n\\r\\n'; "
       "sleep 1) | openssl s_client -tls1_2 -servername a.test -connect 127.0.0.1:" +
           std::to_string(s.port()) + " 2>&1"},
      30000);
  EXPECT_NE(r.output.find("RENEGOTIATING"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("hello over tls"), std::string::npos) << r.output;
  EXPECT_TRUE(wait_until(
      [&] {
        return s.read("logs/error_log").find("SSL renegotiation refused") != std::string::npos;
      },
      std::chrono::seconds(10)))
      << s.read("logs/error_log");
}

TEST_F(TlsTest, PipelinedRequestsInOneRecordAreAllAnswered) {
  Server s;
  ASSERT_TRUE(start_tls(s)) << s.log();
  // Three requests in one write (one TLS record): the server must not wait for the socket
  // after the first, as the rest is already decrypted inside OpenSSL.
  ProcessResult r = python(kPipelinedInOneRecord, {std::to_string(s.port()), cert("ca.pem")});
  EXPECT_EQ(r.output, "3 2 1\n") << r.output;
}

TEST_F(TlsTest, KeepAliveGoesOnAfterTheIdleConnectionsRecordBuffersWereFreed) {
  Server s;
  ASSERT_TRUE(start_tls(s)) << s.log();
  // The listener frees an idle connection's record buffers after about 1 s (README,
  // KeepAlive): the requests after each pause, one and then two pipelined in one record,
  // are read into new buffers.
  ProcessResult r = python(std::string(kPythonClientForA) +
                               "c.settimeout(20)\n"
                               "req = b'GET / HTTP/1.1\\r\\nHost: a.test\\r\\n\\r\\n'\n"
                               "def answers(n):\n"
                               "    data = b''\n"
                               "    while data.count(b'hello over tls') < n:\n"
                               "        b = c.recv(65536)\n"
                               "        if not b: break\n"
                               "        data += b\n"
                               "    return data.count(b'HTTP/1.1 200 OK')\n"
                               "got = []\n"
                               "for n in (1, 1, 2):\n"
                               "    c.sendall(req * n)\n"
                               "    got.append(answers(n))\n"
                               "    time.sleep(1.6)\n"
                               "print(got)\n",
                           {std::to_string(s.port()), cert("ca.pem")});
  EXPECT_EQ(r.output, "[1, 1, 2]\n") << r.output << s.log();
}

TEST_F(TlsTest, PipelinedRequestsInSeparateRecordsSentTogetherAreAllAnswered) {
  Server s;
  ASSERT_TRUE(start_tls(s)) << s.log();
  // Three requests, one TLS record each, reach the socket in one TCP write: after the
  // first record the rest waits in the socket (or in OpenSSL's read-ahead), never noticed
  // by epoll again. The server must answer all three without another byte from the client.
  ProcessResult r = python(kRecordsSentTogether, {std::to_string(s.port()), cert("ca.pem")});
  EXPECT_EQ(r.output, "3 2 1\n") << r.output;
}

TEST_F(TlsTest, HalfClientHellosHoldNoWorker) {
  Server s;
  ASSERT_TRUE(start_tls(s, "<Location /server-status>\nSetHandler server-status\n</Location>\n"))
      << s.log();
  TempDir d;
  const std::string script = d.write("half.py", kHalfHello);
  const std::string ready = d.path() + "/ready";
  BackgroundProcess holders({"/usr/bin/python3", script, std::to_string(s.port()), "200", ready});
  ASSERT_TRUE(wait_until([&] { return !slurp(ready).empty(); }, std::chrono::seconds(30)));
  const auto start = std::chrono::steady_clock::now();
  ProcessResult r = tls_curl(s, "a.test", {https(s, "a.test", "/")});
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.output, "hello over tls\n") << r.output << s.log();
  EXPECT_LT(took, std::chrono::seconds(5));
  std::string status;
  ASSERT_TRUE(wait_until(
      [&] {
        status = tls_curl(s, "a.test", {https(s, "a.test", "/server-status?auto")}).output;
        const std::string reading = status_field(status, "ConnsAsyncReading");
        return !reading.empty() && std::stoi(reading) >= 200;
      },
      std::chrono::seconds(20)))
      << status;
  // Only the status request itself keeps a worker busy.
  EXPECT_LE(std::stoi(status_field(status, "BusyWorkers")), 1) << status;
  holders.finish(SIGKILL, 5000);
}

// AcceptFilter https: as for http, httpd's Linux default is `data` (TCP_DEFER_ACCEPT), so
// a client that connects to an https address and sends nothing is not handed over; the
// filter is chosen by the Listen's protocol, so `AcceptFilter http none` does not touch it.
TEST_F(TlsTest, AcceptFilterHttpsDefersSilentClientsByDefault) {
  Server s;
  ASSERT_TRUE(start_tls(
      s,
      "AcceptFilter http none\n<Location /server-status>\nSetHandler server-status\n</Location>\n"))
      << s.log();
  std::vector<std::unique_ptr<Client>> silent;
  for (int i = 0; i < 5; ++i) {
    silent.push_back(std::make_unique<Client>(s.port()));
    ASSERT_TRUE(silent.back()->connected());
  }
  // One half ClientHello behind them in the accept queue: once it is reading, the silent
  // ones ahead of it would have been accepted too, had the socket not deferred them.
  TempDir d;
  const std::string ready = d.path() + "/ready";
  BackgroundProcess half(
      {"/usr/bin/python3", d.write("half.py", kHalfHello), std::to_string(s.port()), "1", ready});
  auto get = [&](const std::string& path) {
    return tls_curl(s, "a.test", {https(s, "a.test", path)});
  };
  ASSERT_TRUE(wait_until([&] { return reading_conns(get) >= 1; }, std::chrono::seconds(20)))
      << s.log();
  EXPECT_LE(reading_conns(get), 2);
  half.finish(SIGKILL, 5000);
}

TEST_F(TlsTest, AcceptFilterHttpsNoneAcceptsSilentClientsAtOnce) {
  Server s;
  ASSERT_TRUE(start_tls(s,
                        "AcceptFilter https none\n<Location /server-status>\nSetHandler "
                        "server-status\n</Location>\n"))
      << s.log();
  std::vector<std::unique_ptr<Client>> silent;
  for (int i = 0; i < 5; ++i) {
    silent.push_back(std::make_unique<Client>(s.port()));
    ASSERT_TRUE(silent.back()->connected());
  }
  // Accepted without a byte: all five wait in the handshake (a reading state).
  auto get = [&](const std::string& path) {
    return tls_curl(s, "a.test", {https(s, "a.test", path)});
  };
  EXPECT_TRUE(wait_until([&] { return reading_conns(get) >= 5; }, std::chrono::seconds(20)))
      << s.log();
}

TEST_F(TlsTest, HandshakeTimeoutClosesHalfClientHellos) {
  Server s;
  ASSERT_TRUE(start_tls(s, "RequestReadTimeout handshake=1\n")) << s.log();
  TempDir d;
  ProcessResult r = python(kHalfHello, {std::to_string(s.port()), "20", d.path() + "/ready"});
  // All 20 closed by the server, well before the script's own 30 s.
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.output, m, std::regex("closed (\\d+) after (\\d+)"))) << r.output;
  EXPECT_EQ(m[1], "20") << r.output;
  EXPECT_LT(std::stoi(m[2]), 15) << r.output;
}

TEST_F(TlsTest, KeysReadableOnlyByRootWorkWithUser) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root";
  // The key is read by the control process before the children become uid 65534, who
  // could not open it (mode 0600, owned by root, in a directory only root may enter).
  ASSERT_EQ(::chmod(cert("a.key").c_str(), 0600), 0);
  ASSERT_EQ(::chmod(certs_->path().c_str(), 0700), 0);
  Server s;
  ASSERT_EQ(::chmod(s.root().path().c_str(), 0755), 0);
  ASSERT_TRUE(start_tls(s, "User #65534\nGroup #65534\n")) << s.log();
  ProcessResult r = tls_curl(s, "a.test", {https(s, "a.test", "/")});
  EXPECT_EQ(r.output, "hello over tls\n") << r.output << s.read("logs/error_log");
  std::vector<pid_t> kids = children_of(s.pid());
  ASSERT_FALSE(kids.empty());
  const std::string status = slurp("/proc/" + std::to_string(kids[0]) + "/status");
  EXPECT_NE(status.find("\nUid:\t65534\t"), std::string::npos) << status;
}

TEST_F(TlsTest, GracefulRestartLoadsRenewedCertificates) {
  Server s;
  const std::string live_cert = s.root().write("b-live.pem", slurp(cert("b.pem")));
  const std::string live_key = s.root().write("b-live.key", slurp(cert("b.key")));
  ASSERT_TRUE(start_tls(s, "", live_cert, live_key)) << s.log();
  ProcessResult r = s_client(s, {"-servername", "b.test"});
  EXPECT_NE(r.output.find("subject=CN = b.test"), std::string::npos) << r.output;
  // The files are replaced (here by another certificate, as a renewal would), then -k
  // graceful (SIGUSR1): new handshakes get the new certificate.
  s.root().write("b-live.pem", slurp(cert("w.pem")));
  s.root().write("b-live.key", slurp(cert("w.key")));
  ::kill(s.pid(), SIGUSR1);
  EXPECT_TRUE(wait_until(
      [&] {
        return s_client(s, {"-servername", "b.test"}).output.find("subject=CN = *.wild.test") !=
               std::string::npos;
      },
      std::chrono::seconds(20)))
      << s.read("logs/error_log");
}

TEST_F(TlsTest, ConfigErrorsNameTheirDirective) {
  TempDir d;
  d.write("htdocs/index.html", "x");
  d.write("logs/.keep", "");
  auto check = [&](const std::string& body) {
    d.write("t.conf", "Listen 127.0.0.1:" + std::to_string(free_port()) +
                          " https\nDocumentRoot htdocs\nErrorLog logs/error_log\n" + body);
    return run_process({TERN_BINARY, "-t", "-d", d.path(), "-f", "t.conf"});
  };
  ProcessResult r = check("SSLEngine on\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("t.conf:4: SSLEngine: Server should be SSL-aware but has no "
                          "certificate configured [Hint: SSLCertificateFile]"),
            std::string::npos)
      << r.output;
  r = check("SSLEngine optional\n");
  EXPECT_NE(r.output.find("t.conf:4: SSLEngine: SSLEngine optional is not supported"),
            std::string::npos)
      << r.output;
  r = check("");  // an https Listen without any certificate
  EXPECT_NE(r.output.find("t.conf:1: Listen: Server should be SSL-aware"), std::string::npos)
      << r.output;
  r = check("SSLCertificateFile " + cert("a.pem") + "\nSSLCertificateKeyFile " + cert("b.key") +
            "\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("t.conf:5: SSLCertificateKeyFile: "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("key values mismatch"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("Listen:"), std::string::npos) << "one error, not two: " << r.output;
  r = check("SSLCertificateFile " + d.path() + "/htdocs/index.html\n");
  EXPECT_NE(r.output.find("t.conf:4: SSLCertificateFile: Unable to read server certificate"),
            std::string::npos)
      << r.output;
  r = check("SSLCertificateFile /nonexistent.pem\n");
  EXPECT_NE(r.output.find("t.conf:4: SSLCertificateFile: file '/nonexistent.pem' does not exist"),
            std::string::npos)
      << r.output;
  // The key in the certificate file (no SSLCertificateKeyFile), the chain after the leaf.
  r = check("SSLCertificateFile " + cert("a-combined.pem") + "\n");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("Syntax OK"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace tern::test
