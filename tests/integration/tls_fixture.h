#pragma once
// The TLS integration tests' fixture (tls_test.cpp, tls_load_test.cpp): a test CA and its
// leaves made with the openssl CLI at test time, a server with three TLS vhosts, curl,
// s_client and Python helpers, and the half-ClientHello client script.

#include <gtest/gtest.h>

#include <functional>
#include <regex>
#include <string>
#include <vector>

#include "harness.h"
#include "test_pki.h"

namespace tern::test {
namespace {

// The test CA and its leaves, made once for the suite.
class TlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // An EC CA; ECDSA P-256 leaves for a.test, b.test and *.wild.test; an RSA 2048 leaf for
    // a.test (a second certificate pair on the same vhost).
    TestLeaf rsa = leaf_for_host("arsa", "a.test");
    rsa.key = "rsa:2048";
    std::string error;
    certs_ = make_test_pki("/CN=tern-test-ca",
                           {leaf_for_host("a", "a.test"), leaf_for_host("b", "b.test"),
                            leaf_for_host("w", "*.wild.test"), rsa},
                           &error)
                 .release();
    ASSERT_NE(certs_, nullptr) << error;
    ProcessResult r = run_process(
        {"/bin/sh", "-c", "cd '" + certs_->path() + "' && cat a.pem a.key > a-combined.pem"});
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }
  static void TearDownTestSuite() {
    delete certs_;
    certs_ = nullptr;
  }
  static std::string cert(const std::string& name) { return certs_->path() + "/" + name; }

  // Starts `server` with one TLS address holding vhosts a.test (default; ECDSA and RSA
  // certificates), b.test and *.wild.test; `extra` goes into the main server.
  static bool start_tls(Server& server, const std::string& extra = "",
                        const std::string& b_cert = cert("b.pem"),
                        const std::string& b_key = cert("b.key")) {
    server.put("index.html", "hello over tls\n");
    server.put("dir/index.html", "in dir\n");
    return server.start_config([&](int port) {
      const std::string p = std::to_string(port);
      return "Listen 127.0.0.1:" + p +
             " https\nDocumentRoot htdocs\nErrorLog logs/error_log\nLogLevel info\n"
             "PidFile logs/tern.pid\nThreadsPerChild 4\nStartServers 1\nMinSpareThreads 1\n"
             "MaxSpareThreads 8\nRequestReadTimeout handshake=20 header=20\n" +
             extra + "\n<VirtualHost *:" + p +
             ">\nServerName a.test\nSSLEngine on\n"
             "SSLCertificateFile " +
             cert("a.pem") + "\nSSLCertificateKeyFile " + cert("a.key") + "\nSSLCertificateFile " +
             cert("arsa.pem") + "\nSSLCertificateKeyFile " + cert("arsa.key") +
             "\nRedirect /old /new\n</VirtualHost>\n<VirtualHost *:" + p +
             ">\nServerName b.test\nSSLEngine on\nSSLCertificateFile " + b_cert +
             "\nSSLCertificateKeyFile " + b_key + "\n</VirtualHost>\n<VirtualHost *:" + p +
             ">\nServerName wild\nServerAlias *.wild.test\nSSLEngine on\n" + "SSLCertificateFile " +
             cert("w.pem") + "\nSSLCertificateKeyFile " + cert("w.key") + "\n</VirtualHost>\n";
    });
  }

  // curl over TLS to `host` (resolved to the server) with the test CA.
  static ProcessResult tls_curl(const Server& s, const std::string& host,
                                std::vector<std::string> args) {
    std::vector<std::string> argv{"--cacert", cert("ca.pem"), "--resolve",
                                  host + ":" + std::to_string(s.port()) + ":127.0.0.1"};
    argv.insert(argv.end(), args.begin(), args.end());
    return curl(argv);
  }
  static std::string https(const Server& s, const std::string& host, const std::string& path) {
    return "https://" + host + ":" + std::to_string(s.port()) + path;
  }
  // openssl s_client's view of a handshake (`args` choose SNI, ciphers…).
  static ProcessResult s_client(const Server& s, std::vector<std::string> args) {
    std::vector<std::string> argv{"/bin/sh", "-c",
                                  "echo | openssl s_client -connect 127.0.0.1:" +
                                      std::to_string(s.port()) + " -CAfile " + cert("ca.pem")};
    for (const std::string& a : args) argv.back() += " " + a;
    argv.back() += " 2>&1";
    return run_process(argv, 30000);
  }
  // The start of a Python TLS client for python(code, {port, ca.pem}): `c` is a connection
  // to the port, verified against the test CA, with SNI a.test.
  static constexpr const char* kPythonClientForA =
      "import socket, ssl, sys, time\n"
      "ctx = ssl.create_default_context(cafile=sys.argv[2])\n"
      "raw = socket.create_connection(('127.0.0.1', int(sys.argv[1])))\n"
      "c = ctx.wrap_socket(raw, server_hostname='a.test')\n";
  // Python clients for python(…, {port, ca.pem[, file]}), for tests that run with either
  // record layer (SSLRecordLayer). kSlowReader: the file's 3 MiB twice over one
  // connection, first with a 4 KiB receive buffer read slowly; prints "True 3145728" twice.
  inline static const std::string kSlowReader =
      "import hashlib, socket, ssl, sys, time\n"
      "want = hashlib.sha256(open(sys.argv[3], 'rb').read()).hexdigest()\n"
      "ctx = ssl.create_default_context(cafile=sys.argv[2])\n"
      "raw = socket.socket()\n"
      "raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)\n"
      "raw.settimeout(30)\n"
      "raw.connect(('127.0.0.1', int(sys.argv[1])))\n"
      "c = ctx.wrap_socket(raw, server_hostname='a.test')\n"
      "def get(path, slow):\n"
      "    c.sendall(('GET ' + path + ' HTTP/1.1\\r\\nHost: a.test\\r\\n\\r\\n').encode())\n"
      "    buf = b''\n"
      "    while b'\\r\\n\\r\\n' not in buf: buf += c.recv(65536)\n"
      "    head, _, body = buf.partition(b'\\r\\n\\r\\n')\n"
      "    n = [int(l.split(b':')[1]) for l in head.split(b'\\r\\n') if "
      "l.lower().startswith(b'content-length:')][0]\n"
      "    reads = 0\n"
      "    while len(body) < n:\n"
      "        body += c.recv(4096 if slow else 65536)\n"
      "        reads += 1\n"
      "        if slow and reads % 64 == 0: time.sleep(0.01)\n"
      "    return hashlib.sha256(body).hexdigest() == want, len(body)\n"
      "print(*get('/big.bin', True))\n"
      "print(*get('/big.bin', False))\n";
  // Three requests written at once (one TLS record); prints "3 2 1".
  inline static const std::string kPipelinedInOneRecord =
      std::string(kPythonClientForA) +
      "req = b'GET / HTTP/1.1\\r\\nHost: a.test\\r\\n\\r\\n'\n"
      "c.sendall(req * 2 + b'GET /dir/ HTTP/1.1\\r\\nHost: a.test\\r\\nConnection: "
      "close\\r\\n\\r\\n')\n"
      "c.settimeout(20)\n"
      "data = b''\n"
      "while True:\n"
      "    b = c.recv(65536)\n"
      "    if not b: break\n"
      "    data += b\n"
      "print(data.count(b'HTTP/1.1 200 OK'), data.count(b'hello over tls'), "
      "data.count(b'in dir'))\n";
  // Three requests, one record each, sent in one TCP write; prints "3 2 1".
  inline static const std::string kRecordsSentTogether =
      "import socket, ssl, sys\n"
      "ctx = ssl.create_default_context(cafile=sys.argv[2])\n"
      "raw = socket.create_connection(('127.0.0.1', int(sys.argv[1])))\n"
      "raw.settimeout(20)\n"
      "inc, out = ssl.MemoryBIO(), ssl.MemoryBIO()\n"
      "c = ctx.wrap_bio(inc, out, server_hostname='a.test')\n"
      "while True:\n"
      "    try:\n"
      "        c.do_handshake(); break\n"
      "    except ssl.SSLWantReadError:\n"
      "        raw.sendall(out.read())\n"
      "        inc.write(raw.recv(65536))\n"
      "raw.sendall(out.read())\n"
      "req = b'GET / HTTP/1.1\\r\\nHost: a.test\\r\\n\\r\\n'\n"
      "records = b''\n"
      "for q in (req, req, b'GET /dir/ HTTP/1.1\\r\\nHost: a.test\\r\\nConnection: "
      "close\\r\\n\\r\\n'):\n"
      "    c.write(q)\n"
      "    records += out.read()\n"
      "raw.sendall(records)\n"
      "data = b''\n"
      "while True:\n"
      "    try:\n"
      "        b = raw.recv(65536)\n"
      "    except socket.timeout:\n"
      "        break\n"
      "    if not b: break\n"
      "    inc.write(b)\n"
      "    while True:\n"
      "        try:\n"
      "            d = c.read(65536)\n"
      "        except (ssl.SSLWantReadError, ssl.SSLZeroReturnError):\n"
      "            break\n"
      "        if not d: break\n"
      "        data += d\n"
      "print(data.count(b'HTTP/1.1 200 OK'), data.count(b'hello over tls'), "
      "data.count(b'in dir'))\n";
  // Runs a Python 3 script with arguments.
  static ProcessResult python(const std::string& code, std::vector<std::string> args = {}) {
    TempDir d;
    std::string path = d.write("t.py", code);
    std::vector<std::string> argv{"/usr/bin/python3", path};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_process(argv, 60000);
  }

  inline static TempDir* certs_ = nullptr;
};

// 200 clients send half a ClientHello and stop. They wait in the listener, not on
// workers: a fresh HTTPS request is answered at once, and server-status shows them reading
// while the workers are idle. With handshake=1 they are closed after their deadline.
inline constexpr const char* kHalfHello =
    "import socket, ssl, sys, time\n"
    "port, n, ready = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]\n"
    "ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)\n"
    "ctx.check_hostname = False\n"
    "ctx.verify_mode = ssl.CERT_NONE\n"
    "inc, out = ssl.MemoryBIO(), ssl.MemoryBIO()\n"
    "obj = ctx.wrap_bio(inc, out, server_hostname='a.test')\n"
    "try:\n"
    "    obj.do_handshake()\n"
    "except ssl.SSLWantReadError:\n"
    "    pass\n"
    "hello = out.read()\n"
    "socks = []\n"
    "for i in range(n):\n"
    "    c = socket.create_connection(('127.0.0.1', port))\n"
    "    c.sendall(hello[:len(hello) // 2])\n"
    "    socks.append(c)\n"
    "open(ready, 'w').write('ready')\n"
    "start = time.time()\n"
    "closed = 0\n"
    "for c in socks:\n"
    "    c.settimeout(max(0.1, 30 - (time.time() - start)))\n"
    "    try:\n"
    "        if c.recv(1) == b'': closed += 1\n"
    "    except (socket.timeout, ConnectionResetError):\n"
    "        pass\n"
    "print('closed', closed, 'after', round(time.time() - start))\n";

inline std::string status_field(const std::string& body, const std::string& key) {
  std::smatch m;
  if (!std::regex_search(body, m, std::regex("\n" + key + ": ([0-9]+)"))) return "";
  return m[1];
}

// ConnsAsyncReading of the server's ?auto status, asked over TLS (-1: no answer).
inline int reading_conns(const std::function<ProcessResult(const std::string&)>& get) {
  const std::string v = status_field(get("/server-status?auto").output, "ConnsAsyncReading");
  return v.empty() ? -1 : std::stoi(v);
}

}  // namespace
}  // namespace tern::test
