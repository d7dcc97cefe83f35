// TLS 1.3 connections whose records tern seals and opens itself (SSLRecordLayer tern, and
// auto once connections carry many requests): what the TLS tests check with OpenSSL's
// record layer, with real clients (Python's ssl, wrk); KeyUpdates and alerts are
// tls_transport_test.cpp's. The fixture is tls_fixture.h's.

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <regex>
#include <string>

#include "harness.h"
#include "tls_fixture.h"

namespace tern::test {
namespace {

class TlsRecordLayerTest : public TlsTest {
 protected:
  static constexpr const char* kTern = "SSLRecordLayer tern\nKeepAliveTimeout 30\n";
};

TEST_F(TlsRecordLayerTest, AnUploadInManyRecordsThenKeepAlive) {
  Server s;
  s.root().write("cgi-bin/env.cgi",
                 "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\n'\n"
                 "echo \"proto=$SSL_PROTOCOL https=$HTTPS\"\n"
                 "echo \"body=$(wc -c | tr -d ' ')\"\n");
  ::chmod((s.root().path() + "/cgi-bin/env.cgi").c_str(), 0755);
  ASSERT_TRUE(start_tls(s, std::string(kTern) +
                               "ScriptAlias /cgi-bin/ cgi-bin/\n<Location /cgi-bin/>\n"
                               "SSLOptions +StdEnvVars\n</Location>\n"))
      << s.log();
  // Python's ssl module offers no post-handshake authentication (curl does, and keeps
  // OpenSSL's records): 3 MiB of body in 16 KiB records, then a second request.
  ProcessResult r = python(std::string(kPythonClientForA) +
                               "c.settimeout(30)\n"
                               "body = b'p' * (3 << 20)\n"
                               "c.sendall(b'POST /cgi-bin/env.cgi HTTP/1.1\\r\\nHost: a.test\\r\\n'"
                               " + b'Content-Length: %d\\r\\n\\r\\n' % len(body) + body)\n"
                               "data = b''\n"
                               "while b'body=' not in data or not data.endswith(b'\\n'):\n"
                               "    data += c.recv(65536)\n"
                               "c.sendall(b'GET / HTTP/1.1\\r\\nHost: a.test\\r\\n\\r\\n')\n"
                               "while b'hello over tls' not in data: data += c.recv(65536)\n"
                               "print(c.version(), b'proto=TLSv1.3 https=on' in data, "
                               "b'body=3145728' in data)\n",
                           {std::to_string(s.port()), cert("ca.pem")});
  EXPECT_EQ(r.output, "TLSv1.3 True True\n") << r.output << s.log();
}

TEST_F(TlsRecordLayerTest, SlowReaderAndRequestsThatArriveTogether) {
  Server s;
  std::string big(3 << 20, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>('a' + i * 13 % 26);
  const std::string file = s.put("big.bin", big);
  ASSERT_TRUE(start_tls(s, kTern)) << s.log();
  const std::string port = std::to_string(s.port());
  ProcessResult r = python(kSlowReader, {port, cert("ca.pem"), file});
  EXPECT_EQ(r.output, "True 3145728\nTrue 3145728\n") << s.log();
  r = python(kPipelinedInOneRecord, {port, cert("ca.pem")});
  EXPECT_EQ(r.output, "3 2 1\n") << r.output;
  r = python(kRecordsSentTogether, {port, cert("ca.pem")});
  EXPECT_EQ(r.output, "3 2 1\n") << r.output;
}

TEST_F(TlsRecordLayerTest, ALoadOfKeepAliveClientsGetsEveryAnswer) {
  Server s;
  ASSERT_TRUE(start_tls(s, kTern)) << s.log();
  // wrk over TLS 1.3 for a moment: every answer a 200, no socket error.
  ProcessResult r = run_process({"/usr/bin/wrk", "-t1", "-c8", "-d1s", "--timeout", "10s",
                                 "https://127.0.0.1:" + std::to_string(s.port()) + "/"},
                                60000);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.output, m, std::regex(R"((\d+) requests in)"))) << r.output;
  EXPECT_GT(std::stoll(m[1]), 0) << r.output;
  EXPECT_EQ(r.output.find("Non-2xx"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("Socket errors"), std::string::npos) << r.output;
}

TEST_F(TlsRecordLayerTest, AutoServesFreshConnectionsAfterManyRequestsEach) {
  Server s;
  ASSERT_TRUE(start_tls(s, "SSLRecordLayer auto\n")) << s.log();
  // A few connections of many requests each raise the reads per handshake `auto` follows
  // (the choice itself is tls_transport_test's); fresh connections after them, which may
  // move to tern's record layer, are served all the same.
  const std::string url = "https://127.0.0.1:" + std::to_string(s.port()) + "/";
  for (int round = 0; round < 2; ++round) {
    ProcessResult r =
        run_process({"/usr/bin/wrk", "-t1", "-c2", "-d1s", "--timeout", "10s", url}, 60000);
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(r.output.find("Non-2xx"), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find("Socket errors"), std::string::npos) << r.output;
  }
  ProcessResult r = python(std::string(kPythonClientForA) +
                               "c.sendall(b'GET / HTTP/1.1\\r\\nHost: a.test\\r\\n"
                               "Connection: close\\r\\n\\r\\n')\n"
                               "data = b''\n"
                               "while True:\n"
                               "    b = c.recv(65536)\n"
                               "    if not b: break\n"
                               "    data += b\n"
                               "print(data.count(b'hello over tls'))\n",
                           {std::to_string(s.port()), cert("ca.pem")});
  EXPECT_EQ(r.output, "1\n") << r.output << s.log();
}

TEST_F(TlsRecordLayerTest, APaddingServerUnderSslRecordLayerTernIsLogged) {
  Server s;
  // RecordPadding (inherited by every vhost) keeps OpenSSL's records: said at start-up,
  // not silently, and the server serves.
  ASSERT_TRUE(start_tls(s, std::string(kTern) + "SSLOpenSSLConfCmd RecordPadding 256\n"))
      << s.log();
  const auto said = [&] {
    return (s.log() + s.read("logs/error_log")).find("pads its records") != std::string::npos;
  };
  EXPECT_TRUE(wait_until(said, std::chrono::seconds(10))) << s.log() << s.read("logs/error_log");
  ProcessResult r = python(kPipelinedInOneRecord, {std::to_string(s.port()), cert("ca.pem")});
  EXPECT_EQ(r.output, "3 2 1\n") << r.output;
}

}  // namespace
}  // namespace tern::test
