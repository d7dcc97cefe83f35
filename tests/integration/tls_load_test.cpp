// TLS under load (issue 13): thousands of held TLS clients beside a fresh request, a
// graceful restart with new certificates while handshakes go on, and a real browser
// (headless Chromium) over HTTPS. The fixture is tls_fixture.h's.

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <regex>
#include <sstream>
#include <string>

#include "harness.h"
#include "tls_fixture.h"

namespace tern::test {
namespace {

class TlsLoadTest : public TlsTest {};

// N half ClientHellos, then N clients that complete the handshake (verifying against the
// CA in argv[4]) and send a partial request head; writes "held failed seconds" to `ready`
// once all are held, then holds them for up to 120 s.
constexpr const char* kTlsSwarm =
    "import asyncio, os, resource, socket, ssl, sys, time\n"
    "port, n, ready, ca = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]\n"
    "soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)\n"
    "resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 2 * n + 256)), hard))\n"
    "ctx = ssl.create_default_context(cafile=ca)\n"
    "inc, out = ssl.MemoryBIO(), ssl.MemoryBIO()\n"
    "obj = ctx.wrap_bio(inc, out, server_hostname='a.test')\n"
    "try:\n"
    "    obj.do_handshake()\n"
    "except ssl.SSLWantReadError:\n"
    "    pass\n"
    "hello = out.read()\n"
    "half = []\n"
    "for i in range(n):\n"
    "    c = socket.create_connection(('127.0.0.1', port), timeout=30)\n"
    "    c.sendall(hello[:len(hello) // 2])\n"
    "    half.append(c)\n"
    "async def main():\n"
    "    sem, held = asyncio.Semaphore(32), []\n"
    "    async def one():\n"
    "        async with sem:\n"
    "            r, w = await asyncio.wait_for(asyncio.open_connection('127.0.0.1', port, "
    "ssl=ctx, server_hostname='a.test'), 30)\n"
    "            w.write(b'GET / HTTP/1.1\\r\\nHost: a.test\\r\\n')\n"
    "            await w.drain()\n"
    "            held.append((r, w))\n"
    "    t0 = time.time()\n"
    "    res = await asyncio.gather(*[one() for _ in range(n)], return_exceptions=True)\n"
    "    bad = [repr(e) for e in res if isinstance(e, BaseException)]\n"
    "    open(ready + '.tmp', 'w').write('%d %d %.1f %s' % (len(held), len(bad), "
    "time.time() - t0, bad[:1]))\n"
    "    os.rename(ready + '.tmp', ready)\n"
    "    await asyncio.sleep(120)\n"
    "asyncio.run(main())\n";

// Issue 13's scale target over TLS: with ThreadsPerChild 4, 1,000 half ClientHellos and
// 1,000 handshaken clients with a partial head are all held in the reading state without
// a worker, while a fresh HTTPS request is answered (target < 0.5 s; bound 5 s under load).
TEST_F(TlsLoadTest, TwoThousandHeldTlsClientsLeaveAFreshRequestFast) {
  constexpr int kEach = 1000;
  Server s;
  s.set_nofile_limit(2 * kEach + 1024);
  ASSERT_TRUE(start_tls(s,
                        "AsyncRequestWorkerFactor 1000\nRequestReadTimeout handshake=60 "
                        "header=60\n<Location /server-status>\nSetHandler server-status\n"
                        "</Location>\n"))
      << s.log();
  TempDir d;
  const std::string ready = d.path() + "/ready";
  BackgroundProcess swarm({"/usr/bin/python3", d.write("swarm.py", kTlsSwarm),
                           std::to_string(s.port()), std::to_string(kEach), ready, cert("ca.pem")});
  ASSERT_TRUE(wait_until([&] { return !slurp(ready).empty(); }, std::chrono::seconds(90)))
      << s.read("logs/error_log");
  std::istringstream in(slurp(ready));
  int held = 0, failed = 0;
  double secs = 0;
  in >> held >> failed >> secs;
  ASSERT_EQ(held, kEach) << slurp(ready);
  std::printf("[ tls-scale ] %d handshakes + partial heads took %.1f s\n", kEach, secs);
  auto get = [&](const std::string& path) {
    return tls_curl(s, "a.test", {"-w", "\n%{time_total}", https(s, "a.test", path)});
  };
  std::string status;
  ASSERT_TRUE(wait_until(
      [&] {
        status = get("/server-status?auto").output;
        const std::string reading = status_field(status, "ConnsAsyncReading");
        return !reading.empty() && std::stoi(reading) >= 2 * kEach;
      },
      std::chrono::seconds(30)))
      << status;
  EXPECT_LE(std::stoi(status_field(status, "BusyWorkers")), 1) << status;
  // A fresh request: new connection, full handshake, answered.
  const auto start = std::chrono::steady_clock::now();
  ProcessResult r = get("/");
  const double took =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_EQ(r.output.rfind("hello over tls\n", 0), 0u) << r.output << s.read("logs/error_log");
  std::printf(
      "[ tls-scale ] fresh HTTPS request with %d held: curl time_total %s s, %.3f s "
      "with curl's start\n",
      2 * kEach, r.output.substr(r.output.rfind('\n') + 1).c_str(), took);
  EXPECT_LT(took, 5.0);
  swarm.finish(SIGKILL, 5000);
}

// Four threads each making HTTPS requests to b.test, a new connection and handshake every
// time, verified against the CA in argv[2], until the file argv[3] exists (at most 120 s).
// Prints "ok N failed M new K" (K: handshakes that got the *.wild.test certificate) and
// keeps a progress line "ok N new K" in argv[4].
constexpr const char* kTlsLoop =
    "import os, socket, ssl, sys, threading, time\n"
    "port, ca, stop, progress = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]\n"
    "ctx = ssl.create_default_context(cafile=ca)\n"
    "ctx.check_hostname = False\n"
    "lock = threading.Lock()\n"
    "n = {'ok': 0, 'failed': 0, 'new': 0}\n"
    "errors = []\n"
    "def one():\n"
    "    with socket.create_connection(('127.0.0.1', port), timeout=20) as raw:\n"
    "        with ctx.wrap_socket(raw, server_hostname='b.test') as c:\n"
    "            cn = dict(x[0] for x in c.getpeercert()['subject'])['commonName']\n"
    "            c.sendall(b'GET / HTTP/1.1\\r\\nHost: b.test\\r\\nConnection: "
    "close\\r\\n\\r\\n')\n"
    "            data = b''\n"
    "            while True:\n"
    "                b = c.recv(65536)\n"
    "                if not b: break\n"
    "                data += b\n"
    "    if not data.startswith(b'HTTP/1.1 200') or not data.endswith(b'hello over tls\\n'):\n"
    "        raise RuntimeError(data[:80])\n"
    "    return cn\n"
    "def loop():\n"
    "    end = time.time() + 120\n"
    "    while not os.path.exists(stop) and time.time() < end:\n"
    "        try:\n"
    "            cn = one()\n"
    "            with lock:\n"
    "                n['ok'] += 1\n"
    "                n['new'] += cn == '*.wild.test'\n"
    "                open(progress + '.tmp', 'w').write('%d %d' % (n['ok'], n['new']))\n"
    "                os.rename(progress + '.tmp', progress)\n"
    "        except Exception as e:\n"
    "            with lock:\n"
    "                n['failed'] += 1\n"
    "                errors.append(repr(e))\n"
    "ts = [threading.Thread(target=loop) for _ in range(4)]\n"
    "for t in ts: t.start()\n"
    "for t in ts: t.join()\n"
    "print('ok', n['ok'], 'failed', n['failed'], 'new', n['new'], errors[:3])\n";

// The renewal of GracefulRestartLoadsRenewedCertificates, under load: while new handshakes
// arrive continuously, the files are replaced and -k graceful (SIGUSR1) is sent. No
// handshake or request fails, and handshakes after it get the new certificate.
TEST_F(TlsLoadTest, GracefulRestartUnderLoadFailsNothingAndServesTheNewCertificate) {
  Server s;
  const std::string live_cert = s.root().write("b-live.pem", slurp(cert("b.pem")));
  const std::string live_key = s.root().write("b-live.key", slurp(cert("b.key")));
  ASSERT_TRUE(start_tls(s, "", live_cert, live_key)) << s.log();
  TempDir d;
  const std::string stop = d.path() + "/stop", progress = d.path() + "/progress";
  BackgroundProcess load({"/usr/bin/python3", d.write("loop.py", kTlsLoop),
                          std::to_string(s.port()), cert("ca.pem"), stop, progress});
  auto counts = [&] {
    std::istringstream in(slurp(progress));
    std::pair<int, int> ok_new{0, 0};
    in >> ok_new.first >> ok_new.second;
    return ok_new;
  };
  ASSERT_TRUE(wait_until([&] { return counts().first >= 50; }, std::chrono::seconds(60)));
  s.root().write("b-live.pem", slurp(cert("w.pem")));
  s.root().write("b-live.key", slurp(cert("w.key")));
  ::kill(s.pid(), SIGUSR1);
  const int before = counts().first;
  EXPECT_TRUE(wait_until([&] { return counts().second >= 50; }, std::chrono::seconds(60)))
      << s.read("logs/error_log");
  EXPECT_GT(counts().first, before + 50);
  d.write("stop", "");
  ProcessResult r = load.finish(0, 60000);
  std::printf("[ tls-graceful ] %s", r.output.c_str());
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.output, m, std::regex("ok (\\d+) failed (\\d+) new (\\d+)")))
      << r.output;
  EXPECT_EQ(m[2], "0") << r.output << s.read("logs/error_log");
  EXPECT_EQ(s.stop(), 0);
}

// A real browser over TLS: headless Chromium trusts exactly a.test's key (the base64
// SHA-256 of its SubjectPublicKeyInfo, as --ignore-certificate-errors-spki-list takes
// it), so any other certificate would still fail, and renders the page tern served.
TEST_F(TlsLoadTest, HeadlessChromiumFetchesAPageOverHttps) {
  const char* chromium = "/usr/bin/chromium";
  ASSERT_EQ(::access(chromium, X_OK), 0) << "no " << chromium << ": run scripts/deps.sh test";
  ProcessResult spki = run_process(
      {"/bin/sh", "-c",
       "openssl x509 -in '" + cert("a.pem") +
           "' -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary "
           "| base64"},
      30000);
  ASSERT_EQ(spki.exit_code, 0) << spki.output;
  const std::string pin = spki.output.substr(0, spki.output.find('\n'));
  ASSERT_EQ(pin.size(), 44u) << spki.output;
  Server s;
  s.put("page.html", "<html><body><p id=t>served by tern over tls</p></body></html>\n");
  ASSERT_TRUE(start_tls(s)) << s.log();
  TempDir profile;
  ProcessResult r = run_process(
      {chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
       "--disable-component-update", "--disable-sync", "--no-first-run",
       "--user-data-dir=" + profile.path(), "--host-resolver-rules=MAP a.test 127.0.0.1",
       "--ignore-certificate-errors-spki-list=" + pin, "--dump-dom",
       https(s, "a.test", "/page.html")},
      90000);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("<p id=\"t\">served by tern over tls</p>"), std::string::npos)
      << r.output << s.read("logs/error_log");
}

}  // namespace
}  // namespace tern::test
