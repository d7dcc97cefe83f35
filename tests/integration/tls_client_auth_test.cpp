// Per-directory SSLVerifyClient (issue 13): a <Location> that requires a client
// certificate on a virtual host whose handshake asked for none. Over TLS 1.3 mod_ssl asks
// for it after the handshake (post-handshake authentication), over TLS 1.2 by a
// renegotiation it starts, and so does tern, beside Debian's apache2 + mod_ssl on the same
// configuration; while the client answers, the connection waits in the listener, not on a
// worker. Certificates are made at test time.

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <map>
#include <regex>
#include <string>
#include <tuple>
#include <vector>

#include "apache_harness.h"
#include "harness.h"
#include "test_pki.h"
#include "tls_fixture.h"

namespace tern::test {
namespace {

class TlsClientAuthTest : public PkiSuite<TlsClientAuthTest> {
 public:
  // The suite's PKI (PkiSuite).
  static std::string ca_subject() { return "/O=tern test/CN=tern-test-ca"; }
  static std::vector<TestLeaf> leaves() {
    return {leaf_for_host("a", "a.test", "/O=tern test"),
            leaf_for_host("alice", "alice", "/O=tern test")};
  }

 protected:
  // The site both servers serve: TLS on the main server without client authentication,
  // /secure requires a certificate, /opt asks for one, /cgi-bin requires one, passes the
  // SSL_* variables and names the user after the certificate (SSLUserName); /small is
  // the scripts again with a 1 KiB buffer for a body sent before the certificate.
  static std::string site(const std::string& cgi_dir) {
    return "ScriptAlias /cgi-bin/ " + cgi_dir + "/\nSSLEngine on\nSSLCertificateFile " +
           cert("a.pem") + "\nSSLCertificateKeyFile " + cert("a.key") + "\nSSLCACertificateFile " +
           cert("ca.pem") +
           "\n<Location /secure>\nSSLVerifyClient require\n</Location>\n"
           "<Location /opt>\nSSLVerifyClient optional\n</Location>\n"
           "<Location /cgi-bin>\nSSLVerifyClient require\nSSLOptions +StdEnvVars\n"
           "SSLUserName SSL_CLIENT_S_DN_CN\n</Location>\nScriptAlias /small/ " +
           cgi_dir +
           "/\n<Location /small>\nSSLVerifyClient require\nSSLRenegBufferSize 1024\n"
           "</Location>\n";
  }
  static void put_tree(const ApacheServer& apache, Server& tern) {
    for (const auto& [rel, body] :
         std::map<std::string, std::string>{{"index.html", "open\n"},
                                            {"secure/index.html", "secret\n"},
                                            {"opt/index.html", "opt\n"}}) {
      apache.put(rel, body);
      tern.put(rel, body);
    }
    apache.put_script("env.sh", kSortedEnvScript);
    apache.put_script("echo.sh",
                      "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\n'\nwc -c\nmd5sum\n");
  }
  // Debian's apache2 with mod_ssl and tern, each serving put_tree's files with site().
  static void start_site(ApacheServer& apache, Server& tern) {
    ASSERT_TRUE(ApacheServer::available() &&
                ::access("/usr/lib/apache2/modules/mod_ssl.so", R_OK) == 0)
        << "apache2 with mod_ssl is missing: scripts/deps.sh test installs it";
    put_tree(apache, tern);
    start_both(apache, tern,
               "LoadModule ssl_module /usr/lib/apache2/modules/mod_ssl.so\n"
               "LoadModule socache_shmcb_module /usr/lib/apache2/modules/mod_socache_shmcb.so\n",
               "", site(apache.cgi_dir()));
  }
  // curl to https://a.test:port/… for each path (one connection, in order) with `extra`:
  // the exit code, then each response's status and body.
  static std::string fetch(int port, const std::vector<std::string>& paths,
                           std::vector<std::string> extra = {}) {
    const std::string p = std::to_string(port);
    std::vector<std::string> argv{"--cacert",  cert("ca.pem"),
                                  "--resolve", "a.test:" + p + ":127.0.0.1",
                                  "-w",        "[%{http_code}]\n"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    for (const std::string& path : paths) argv.push_back("https://a.test:" + p + path);
    ProcessResult r = curl(argv);
    return "exit " + std::to_string(r.exit_code) + "\n" + r.output;
  }
  // openssl s_client (TLS 1.3) sending `request`, with the client certificate and
  // post-handshake authentication offered when `pha`: the status line of the answer.
  static std::string s_client_status(int port, const std::string& path, bool pha) {
    ProcessResult r =
        run_process({"/bin/sh", "-c",
                     "printf 'GET " + path +
                         " HTTP/1.1\\r\\nHost: a.test\\r\\nConnection: close\\r\\n\\r\\n' | "
                         "openssl s_client -quiet -tls1_3 -connect 127.0.0.1:" +
                         std::to_string(port) + " -servername a.test -CAfile " + cert("ca.pem") +
                         " -cert " + cert("alice.pem") + " -key " + cert("alice.key") +
                         (pha ? " -enable_pha" : "") + " 2>/dev/null | head -1"},
                    30000);
    return r.output;
  }

  // tern alone on a TLS address: a.test's certificate, the test CA for client
  // certificates, `threads` workers in one child, and `extra`.
  static bool start_tern(Server& s, int threads, const std::string& extra) {
    return s.start_config([&](int port) {
      return "Listen 127.0.0.1:" + std::to_string(port) +
             " https\nServerName a.test\nDocumentRoot htdocs\nErrorLog logs/error_log\n"
             "PidFile logs/tern.pid\nThreadsPerChild " +
             std::to_string(threads) +
             "\nStartServers 1\nMinSpareThreads 1\nMaxSpareThreads 8\nSSLEngine on\n"
             "SSLCertificateFile " +
             cert("a.pem") + "\nSSLCertificateKeyFile " + cert("a.key") +
             "\nSSLCACertificateFile " + cert("ca.pem") +
             "\n<Location /secure>\nSSLVerifyClient require\n</Location>\n" + extra;
    });
  }

  static std::vector<std::string> alice() {
    return {"--cert", cert("alice.pem"), "--key", cert("alice.key")};
  }
  // curl's arguments for TLS 1.2 only, after `args`.
  static std::vector<std::string> tls12(std::vector<std::string> args = {}) {
    args.insert(args.end(), {"--tlsv1.2", "--tls-max", "1.2"});
    return args;
  }
};

// Every answer the same as apache2's, over TLS 1.3 and TLS 1.2: with the certificate the
// protected pages and the script (SSL_CLIENT_* from the certificate sent after the
// handshake), without it a required directory ends the connection (OpenSSL's alert), an
// optional one is served; a client that does not offer post-handshake authentication gets
// 403; a page first and the protected one next on the same connection.
TEST_F(TlsClientAuthTest, PerDirectoryVerifyClientAsDebiansApache) {
  ApacheServer apache;
  Server tern;
  start_site(apache, tern);
  if (HasFatalFailure()) return;
  const std::vector<std::pair<std::vector<std::string>, std::vector<std::string>>> cases{
      {{"/"}, {}},
      {{"/secure/"}, alice()},
      {{"/opt/"}, alice()},
      {{"/opt/"}, {}},
      {{"/", "/secure/", "/secure/"}, alice()},
      {{"/secure/"}, tls12(alice())},
      {{"/opt/"}, tls12(alice())},
      {{"/opt/"}, tls12()},
      {{"/", "/secure/", "/opt/", "/secure/"}, tls12(alice())},
  };
  for (const auto& [paths, extra] : cases) {
    const std::string theirs = fetch(apache.port(), paths, extra);
    EXPECT_EQ(fetch(tern.port(), paths, extra), theirs) << paths[0] << " " << extra.back() << "\n"
                                                        << tern.log();
  }
  for (const auto& extra : {alice(), tls12(alice())}) {
    EXPECT_NE(fetch(apache.port(), {"/secure/"}, extra).find("secret\n[200]"), std::string::npos)
        << apache.log();
  }
  // No certificate for a required directory: OpenSSL's alert ends the connection on both.
  for (const auto& extra : {std::vector<std::string>{}, tls12()}) {
    const std::string refused = fetch(apache.port(), {"/secure/"}, extra);
    EXPECT_EQ(refused.rfind("exit 0", 0), std::string::npos) << refused;
    EXPECT_EQ(fetch(tern.port(), {"/secure/"}, extra), refused);
  }

  auto env_of = [&](int port, const std::vector<std::string>& extra) {
    const std::string p = std::to_string(port);
    std::vector<std::string> argv{"--cacert", cert("ca.pem"), "--resolve",
                                  "a.test:" + p + ":127.0.0.1"};
    for (const std::string& a : extra) argv.push_back(a);
    argv.push_back("https://a.test:" + p + "/cgi-bin/env.sh");
    return parse_env(curl(argv).output);
  };
  for (const auto& extra : {alice(), tls12(alice())}) {
    std::map<std::string, std::string> theirs = env_of(apache.port(), extra);
    std::map<std::string, std::string> ours = env_of(tern.port(), extra);
    EXPECT_EQ(theirs["SSL_CLIENT_VERIFY"], "SUCCESS");
    EXPECT_EQ(theirs["REMOTE_USER"], "alice");
    for (const char* name :
         {"SSL_CLIENT_VERIFY", "SSL_CLIENT_S_DN", "SSL_CLIENT_S_DN_CN", "SSL_CLIENT_I_DN",
          "SSL_CLIENT_M_SERIAL", "SSL_PROTOCOL", "HTTPS", "REMOTE_USER", "AUTH_TYPE"}) {
      EXPECT_EQ(ours[name], theirs[name]) << name << " " << extra.back();
    }
  }

  // A body sent before the certificate is read into memory first (SSLRenegBufferSize,
  // 128 KiB by default) and reaches the script; a larger one is refused with 413.
  TempDir bodies;
  const std::string small = bodies.write("small", "x=1&y=2");
  const std::string large = bodies.write("large", std::string(100 * 1024, 'b'));
  // The chunked ones: the size is known only as the body comes.
  for (const bool renegotiation : {false, true}) {
    for (const auto& [path, file, chunked] :
         std::vector<std::tuple<std::string, std::string, bool>>{{"/cgi-bin/echo.sh", small, false},
                                                                 {"/cgi-bin/echo.sh", large, false},
                                                                 {"/small/echo.sh", large, false},
                                                                 {"/cgi-bin/echo.sh", large, true},
                                                                 {"/small/echo.sh", large, true}}) {
      std::vector<std::string> post = renegotiation ? tls12(alice()) : alice();
      post.insert(post.end(), {"--data-binary", "@" + file});
      if (chunked) post.insert(post.end(), {"-H", "Transfer-Encoding: chunked"});
      const std::string theirs = fetch(apache.port(), {path}, post);
      EXPECT_EQ(fetch(tern.port(), {path}, post), theirs)
          << path << " " << file << " " << renegotiation << tern.log();
    }
  }
  EXPECT_NE(fetch(apache.port(), {"/cgi-bin/echo.sh"},
                  [&] {
                    std::vector<std::string> post = alice();
                    post.insert(post.end(), {"--data-binary", "@" + large});
                    return post;
                  }())
                .find("102400\n"),
            std::string::npos);

  // openssl s_client offers post-handshake authentication only with -enable_pha.
  EXPECT_EQ(s_client_status(apache.port(), "/secure/", true), "HTTP/1.1 200 OK\r\n");
  EXPECT_EQ(s_client_status(tern.port(), "/secure/", true), "HTTP/1.1 200 OK\r\n");
  EXPECT_EQ(s_client_status(apache.port(), "/secure/", false), "HTTP/1.1 403 Forbidden\r\n");
  EXPECT_EQ(s_client_status(tern.port(), "/secure/", false), "HTTP/1.1 403 Forbidden\r\n");
  EXPECT_NE(
      tern.read("logs/error_log").find("AH10158: cannot perform post-handshake authentication"),
      std::string::npos)
      << tern.log();
}

// mod_ssl reads the body (up to SSLRenegBufferSize) before it renegotiates: a TLS 1.2
// client sending a chunked body in two parts sees no HelloRequest (a handshake record,
// type 22) while its body is incomplete; after the body, a small one is followed by the
// HelloRequest and the script's answer, a larger one by the 413 alone (application data,
// type 23), with no renegotiation to race the refusal, and a broken chunk size by the 400
// alone. Beside Debian's apache2.
TEST_F(TlsClientAuthTest, TheBodyComesBeforeTheRenegotiationAsDebiansApache) {
  ApacheServer apache;
  Server tern;
  start_site(apache, tern);
  if (HasFatalFailure()) return;
  TempDir d;
  // Prints, per body (100 bytes, 2,000 bytes, a broken chunk size): what the server sent
  // while the body was incomplete (the first raw byte, or "none" within half a second), the
  // first raw byte after the body, and the status line of the answer.
  const std::string script = d.write(
      "parts.py",
      "import select, socket, ssl, sys\n"
      "port = int(sys.argv[1])\n"
      "ctx = ssl.create_default_context(cafile=sys.argv[2])\n"
      "ctx.maximum_version = ssl.TLSVersion.TLSv1_2\n"
      "ctx.load_cert_chain(sys.argv[3], sys.argv[4])\n"
      "def first_byte(c, wait):\n"
      "    if not select.select([c], [], [], wait)[0]: return 'none'\n"
      "    raw = socket.socket(fileno=c.fileno())\n"
      "    b = raw.recv(1, socket.MSG_PEEK)\n"
      "    raw.detach()\n"
      "    return str(b[0]) if b else 'eof'\n"
      "rest = [('100', b'64\\r\\n' + b'b' * 100 + b'\\r\\n0\\r\\n\\r\\n'),\n"
      "        ('2000', b'7d0\\r\\n' + b'b' * 2000 + b'\\r\\n0\\r\\n\\r\\n'),\n"
      "        ('broken', b'zz\\r\\n\\r\\n')]\n"
      "for size, part in rest:\n"
      "    c = ctx.wrap_socket(socket.create_connection(('127.0.0.1', port)),\n"
      "                        server_hostname='a.test')\n"
      "    c.sendall(b'POST /small/echo.sh HTTP/1.1\\r\\nHost: a.test\\r\\n'\n"
      "              b'Transfer-Encoding: chunked\\r\\nConnection: "
      "close\\r\\n\\r\\n5\\r\\nhello\\r\\n')\n"
      "    early = first_byte(c, 0.5)\n"
      "    c.sendall(part)\n"
      "    after = first_byte(c, 20)\n"
      "    c.settimeout(20)\n"
      "    answer = b''\n"
      "    try:\n"
      "        while b'\\r\\n' not in answer:\n"
      "            got = c.recv(4096)\n"
      "            if not got: break\n"
      "            answer += got\n"
      "    except (OSError, ssl.SSLError) as e:\n"
      "        answer += repr(e).encode()\n"
      "    print(size, 'early', early, 'after', after, answer.split(b'\\r\\n')[0].decode())\n"
      "    c.close()\n");
  const auto run = [&](int port) {
    return run_process({"/usr/bin/python3", script, std::to_string(port), cert("ca.pem"),
                        cert("alice.pem"), cert("alice.key")},
                       60000)
        .output;
  };
  const std::string theirs = run(apache.port());
  EXPECT_EQ(theirs,
            "100 early none after 22 HTTP/1.1 200 OK\n"
            "2000 early none after 23 HTTP/1.1 413 Request Entity Too Large\n"
            "broken early none after 23 HTTP/1.1 400 Bad Request\n")
      << apache.log();
  EXPECT_EQ(run(tern.port()), theirs) << tern.read("logs/error_log");
  // Each refusal is logged with its reason, as mod_ssl logs a failed fill_reneg_buffer.
  const std::string log = tern.read("logs/error_log");
  EXPECT_NE(log.find("AH02018: request body exceeds maximum size (1024)"), std::string::npos)
      << log;
  EXPECT_NE(log.find("invalid chunk size"), std::string::npos) << log;
  EXPECT_NE(log.find("AH02257: could not buffer message body"), std::string::npos) << log;
}

// SSLRenegBufferSize 0 refuses any body (413) over TLS 1.3 and TLS 1.2, logged as mod_ssl
// logs it; the directives in .htaccess need AllowOverride AuthConfig. After the server's own
// renegotiation, the client may not start one (the connection ends).
TEST_F(TlsClientAuthTest, RefusesWhatItCannotAskFor) {
  Server s;
  s.put("secure/index.html", "secret\n");
  s.put("ht/index.html", "ht\n");
  s.put("ht/.htaccess", "SSLVerifyClient require\nSSLRenegBufferSize 0\n");
  ASSERT_TRUE(start_tern(s, 4,
                         "LogLevel info\n<Directory " + s.root().path() +
                             "/htdocs/ht>\nAllowOverride AuthConfig\n</Directory>\n"))
      << s.log();
  EXPECT_EQ(fetch(s.port(), {"/secure/"}, alice()), "exit 0\nsecret\n[200]\n") << s.log();
  EXPECT_EQ(fetch(s.port(), {"/secure/"}, tls12(alice())), "exit 0\nsecret\n[200]\n") << s.log();
  for (const auto& client : {alice(), tls12(alice())}) {
    std::vector<std::string> post = client;
    post.insert(post.end(), {"--data", "x=1", "-o", "/dev/null"});
    EXPECT_EQ(fetch(s.port(), {"/secure/"}, post), "exit 0\n[200]\n");
    EXPECT_EQ(fetch(s.port(), {"/ht/"}, post), "exit 0\n[413]\n");
    EXPECT_EQ(fetch(s.port(), {"/ht/"}, client), "exit 0\nht\n[200]\n");
  }
  // The refused bodies are logged as mod_ssl logs them, not answered silently.
  const std::string log = s.read("logs/error_log");
  EXPECT_NE(log.find("AH10228: could not buffer message body to allow TLS Post-Handshake"),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("AH02257: could not buffer message body to allow SSL renegotiation"),
            std::string::npos)
      << log;

  // openssl s_client over TLS 1.2: the protected page (the server renegotiates), then, once
  // the page is in, the client's own renegotiation ("R"), which ends the connection: a
  // second request gets no answer and s_client ends by itself. Each step waits for the
  // output of the one before (polled, at most 30 s each), not for a fixed time.
  const std::string get = "printf 'GET /secure/ HTTP/1.1\\r\\nHost: a.test\\r\\n\\r\\n' >&3";
  ProcessResult r = run_process(
      {"/bin/sh", "-c",
       "trap '' PIPE; d=$(mktemp -d); mkfifo \"$d/in\"\n"
       "openssl s_client -tls1_2 -connect 127.0.0.1:" +
           std::to_string(s.port()) + " -servername a.test -CAfile " + cert("ca.pem") + " -cert " +
           cert("alice.pem") + " -key " + cert("alice.key") +
           " <\"$d/in\" >\"$d/out\" 2>&1 &\n"
           "pid=$!; exec 3>\"$d/in\"\n"
           "seen() { i=0; until grep -q \"$1\" \"$d/out\"; do i=$((i+1)); "
           "[ $i -gt 300 ] && return 1; sleep 0.1; done; }\n" +
           get + "\nseen secret && echo R >&3 && seen RENEGOTIATING && " + get +
           " 2>/dev/null\ni=0; while kill -0 $pid 2>/dev/null && [ $i -lt 300 ]; do i=$((i+1)); "
           "sleep 0.1; "
           "done\n"
           "kill -0 $pid 2>/dev/null || echo 'CLIENT ENDED'\n"
           "exec 3>&-; kill $pid 2>/dev/null; wait $pid; cat \"$d/out\"; rm -rf \"$d\"\n"},
      120000);
  EXPECT_NE(r.output.find("secret"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("RENEGOTIATING"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("CLIENT ENDED"), std::string::npos) << r.output;
  size_t first = r.output.find("HTTP/1.1 200 OK");
  EXPECT_NE(first, std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("HTTP/1.1 200 OK", first + 1), std::string::npos) << r.output;
  EXPECT_TRUE(wait_until(
      [&] {
        return s.read("logs/error_log").find("SSL renegotiation refused") != std::string::npos;
      },
      std::chrono::seconds(10)))
      << s.read("logs/error_log");
}

// Clients that are asked for their certificate (half of them over TLS 1.2, by a
// renegotiation) and do not answer wait in the listener:
// a fresh request is answered at once and server-status shows them reading, with no
// worker busy but the status request's.
TEST_F(TlsClientAuthTest, ClientsThatDoNotAnswerHoldNoWorker) {
  Server s;
  s.put("index.html", "open\n");
  s.put("secure/index.html", "secret\n");
  ASSERT_TRUE(
      start_tern(s, 2, "<Location /server-status>\nSetHandler server-status\n</Location>\n"))
      << s.log();
  // Each client (TLS 1.3: offering post-handshake authentication) sends its request and
  // never reads.
  TempDir d;
  const std::string ready = d.path() + "/ready";
  BackgroundProcess silent(
      {"/usr/bin/python3",
       d.write("silent.py",
               "import socket, ssl, sys, time\n"
               "port, n, ready = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]\n"
               "def context(tls12):\n"
               "    ctx = ssl.create_default_context(cafile=sys.argv[4])\n"
               "    ctx.post_handshake_auth = True\n"
               "    if tls12: ctx.maximum_version = ssl.TLSVersion.TLSv1_2\n"
               "    ctx.load_cert_chain(sys.argv[5], sys.argv[6])\n"
               "    return ctx\n"
               "socks = []\n"
               "for i in range(n):\n"
               "    c = context(i % 2).wrap_socket(\n"
               "        socket.create_connection(('127.0.0.1', port)), server_hostname='a.test')\n"
               "    c.sendall(b'GET /secure/ HTTP/1.1\\r\\nHost: a.test\\r\\n\\r\\n')\n"
               "    socks.append(c)\n"
               "open(ready, 'w').write('ready')\n"
               "time.sleep(60)\n"),
       std::to_string(s.port()), "8", ready, cert("ca.pem"), cert("alice.pem"), cert("alice.key")});
  ASSERT_TRUE(wait_until([&] { return !slurp(ready).empty(); }, std::chrono::seconds(30)))
      << silent.finish(SIGKILL, 5000).output;
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(fetch(s.port(), {"/"}), "exit 0\nopen\n[200]\n") << s.log();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  // The eight wait in the listener, and no worker is busy but the one answering the status
  // request. Polled: a worker may still be closing the previous connection (the "/" fetch
  // or an earlier poll) at the moment the scoreboard is read.
  std::string status;
  const auto field = [&](const char* name) {
    const std::string v = status_field(status, name);
    return v.empty() ? -1 : std::stoi(v);
  };
  EXPECT_TRUE(wait_until(
      [&] {
        status = fetch(s.port(), {"/server-status?auto"});
        const int busy = field("BusyWorkers");
        return field("ConnsAsyncReading") >= 8 && busy >= 0 && busy <= 1;
      },
      std::chrono::seconds(20)))
      << status;
  silent.finish(SIGKILL, 5000);
}

}  // namespace
}  // namespace tern::test
