// HTTP/1.1 conformance (RFC 9110 semantics, RFC 9112 messages), table-driven: every case is
// a raw request with the expected status, header fields and connection fate. A case runs
// twice: the request sent in one piece, then one byte per send (TCP_NODELAY). "Kept alive"
// is proven by a follow-up GET on the same connection whose response must be intact;
// "closed" by `Connection: close` on the response and EOF afterwards.

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <csignal>

#include <chrono>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "harness.h"

namespace tern::test {
namespace {

enum class Fate { kAlive, kClosed };

// An expected header value: exact text, or kPresent / kAbsent.
constexpr const char* kPresent =
    "\x01"
    "present";
constexpr const char* kAbsent =
    "\x01"
    "absent";

struct Case {
  std::string name;
  std::string request;  // {ETAG} and {LM} are replaced by r.txt's validators
  int status;
  Fate fate;
  std::vector<std::pair<std::string, std::string>> headers = {};
  std::function<void(const Response&)> check = nullptr;  // extra assertions
  bool head = false;                                     // the (first) response is to HEAD: no body
  int responses = 1;  // pipelined requests answered before the fate is checked
  // A broken body: tern answers before reading a body, so when the body's bytes arrive after
  // the head (one byte per send) the handler's status (this) may come first, and the broken
  // framing then closes the connection without a Connection: close announcement.
  int late_status = 0;
};

const std::string kRange = "0123456789abcdefghij";  // /r.txt, 20 bytes

std::string get(const std::string& target, const std::string& fields = "",
                const std::string& method = "GET") {
  return method + " " + target + " HTTP/1.1\r\nHost: localhost\r\n" + fields + "\r\n";
}

class Conformance : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new Server();
    server_->put("a.txt", "alpha\n");
    // Files modified within the last second get weak ETags (as in httpd): age r.txt.
    const std::string rtxt = server_->put("r.txt", kRange);
    const timeval old[2] = {{1700000000, 0}, {1700000000, 0}};
    ::utimes(rtxt.c_str(), old);
    server_->put("index.html", "<h1>hi</h1>\n");
    server_->put("errors/404.html", "<p>custom 404</p>\n");
    bool ok = server_->start(
        "LimitRequestBody 100\n"
        "LimitRequestLine 512\n"
        "LimitRequestFieldSize 512\n"
        "LimitRequestFields 20\n"
        "MaxRanges 3\n"
        "KeepAliveTimeout 5\n"
        "MaxKeepAliveRequests 0\n"
        "ErrorDocument 404 /errors/404.html\n"
        "ErrorDocument 414 \"custom too long\"\n"
        "ErrorDocument 403 http://example.com/denied\n"
        "<Location /denied>\nRequire all denied\n</Location>\n");
    ASSERT_TRUE(ok) << server_->log();
    auto r = fetch(server_->port(), get("/r.txt"));
    ASSERT_TRUE(r);
    etag_ = r->header("ETag").value_or("");
    lm_ = r->header("Last-Modified").value_or("");
  }
  static void TearDownTestSuite() {
    // The server survived every case and stops cleanly; no sanitizer report in its output.
    EXPECT_EQ(::kill(server_->pid(), 0), 0) << "tern died: " << server_->log();
    server_->stop(SIGTERM);
    const std::string log = server_->log();
    EXPECT_EQ(log.find("Sanitizer"), std::string::npos) << log;
    EXPECT_EQ(log.find("runtime error"), std::string::npos) << log;
    delete server_;
    server_ = nullptr;
  }

  static std::string expand(std::string s) {
    for (auto [key, value] :
         {std::pair{std::string("{ETAG}"), etag_}, std::pair{std::string("{LM}"), lm_}}) {
      for (size_t at; (at = s.find(key)) != std::string::npos;) s.replace(at, key.size(), value);
    }
    return s;
  }

  static bool send_bytewise(Client& c, const std::string& data) {
    int one = 1;
    ::setsockopt(c.fd(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    for (char ch : data) {
      // The server may answer and close early (errors): later sends may fail, that is fine.
      if (::send(c.fd(), &ch, 1, MSG_NOSIGNAL) != 1) return false;
    }
    return true;
  }

  static void run_case(const Case& k, bool bytewise) {
    SCOPED_TRACE(k.name + (bytewise ? " [one byte per send]" : " [one piece]"));
    Client c(server_->port());
    ASSERT_TRUE(c.connected());
    const std::string req = expand(k.request);
    if (bytewise) {
      send_bytewise(c, req);
    } else {
      c.send(req);
    }
    std::optional<Response> r;
    for (int i = 0; i < k.responses; ++i) {
      r = c.read_response(k.head && i == 0);
      ASSERT_TRUE(r) << "no response " << i;
    }
    if (bytewise && k.late_status != 0 && r->status == k.late_status) {
      EXPECT_TRUE(c.wait_closed()) << "connection left open after a broken body";
      return;
    }
    EXPECT_EQ(r->status, k.status) << r->status_line;
    EXPECT_EQ(r->status_line.rfind("HTTP/1.1 ", 0), 0u) << r->status_line;
    for (const auto& [name, want] : k.headers) {
      auto got = r->header(name);
      if (want == kPresent) {
        EXPECT_TRUE(got) << name;
      } else if (want == kAbsent) {
        EXPECT_FALSE(got) << name << ": " << got.value_or("");
      } else {
        EXPECT_EQ(got.value_or("<absent>"), expand(want)) << name;
      }
    }
    if (k.check) k.check(*r);
    if (k.fate == Fate::kClosed) {
      EXPECT_EQ(r->header("Connection").value_or(""), "close");
      EXPECT_TRUE(c.wait_closed()) << "connection left open";
      // Nothing after the response: no body on HEAD, no answer to requests after the close.
      EXPECT_EQ(c.read_all(0), "");
      return;
    }
    EXPECT_NE(r->header("Connection").value_or(""), "close");
    ASSERT_TRUE(c.send(get("/a.txt")));
    auto next = c.read_response();
    ASSERT_TRUE(next) << "no answer to the follow-up GET: stream out of sync or closed";
    EXPECT_EQ(next->status, 200) << next->status_line;
    EXPECT_EQ(next->body, "alpha\n");
  }

  static void run_all(const std::vector<Case>& cases) {
    for (bool bytewise : {false, true}) {
      for (const Case& k : cases) run_case(k, bytewise);
    }
  }

  static Server* server_;
  static std::string etag_;
  static std::string lm_;
};

Server* Conformance::server_ = nullptr;
std::string Conformance::etag_;
std::string Conformance::lm_;

// A 400 after which tern closes.
Case bad(std::string name, std::string request) {
  return {std::move(name), std::move(request), 400, Fate::kClosed};
}

// A 400 for a broken body (see Case::late_status): `late` when the head is answered first.
Case bad_body(std::string name, std::string request, int late = 200) {
  Case k{std::move(name), std::move(request), 400, Fate::kClosed};
  k.late_status = late;
  return k;
}

void expect_html(const Response& r) {
  EXPECT_EQ(r.header("Content-Type").value_or("").rfind("text/html", 0), 0u);
  EXPECT_EQ(std::to_string(r.body.size()), r.header("Content-Length").value_or(""));
  EXPECT_FALSE(r.body.empty());
}

// RFC 9112 §6: message body length; §7: transfer codings.
TEST_F(Conformance, Framing) {
  const std::string h = "GET /a.txt HTTP/1.1\r\nHost: x\r\n";
  const std::string p = "POST /a.txt HTTP/1.1\r\nHost: x\r\n";
  run_all({
      {"CL body on GET is discarded", h + "Content-Length: 5\r\n\r\nhello", 200, Fate::kAlive},
      {"CL 0", h + "Content-Length: 0\r\n\r\n", 200, Fate::kAlive},
      // RFC 9112 §6.3 allows rejecting or merging identical values: tern rejects.
      bad("identical duplicate CL", h + "Content-Length: 3\r\nContent-Length: 3\r\n\r\nabc"),
      bad("identical CL list", h + "Content-Length: 3, 3\r\n\r\nabc"),
      // httpd's default handler discards a POST body and delivers the file.
      {"POST with CL → 200, body dropped",
       p + "Content-Length: 4\r\n\r\nbody",
       200,
       Fate::kAlive,
       {{"Content-Length", "6"}}},
      {"POST chunked → 200, body dropped",
       p + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", 200, Fate::kAlive},
      {"PUT with CL → 405, body dropped",
       "PUT /a.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nbody",
       405,
       Fate::kAlive,
       {{"Allow", "GET, HEAD, POST, OPTIONS"}},
       expect_html},
      {"chunked with extensions",
       h + "Transfer-Encoding: chunked\r\n\r\n3;a=b;c\r\nabc\r\n0\r\n\r\n", 200, Fate::kAlive},
      {"chunked extension quoted",
       h + "Transfer-Encoding: chunked\r\n\r\n3;a=\"x y\"\r\nabc\r\n0\r\n\r\n", 200, Fate::kAlive},
      {"chunked with trailer",
       h + "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nX-T: 1\r\n\r\n", 200, Fate::kAlive},
      {"chunked hex upper/lower",
       h + "Transfer-Encoding: chunked\r\n\r\na\r\n0123456789\r\nA\r\n0123456789\r\n0\r\n\r\n", 200,
       Fate::kAlive},
      {"chunked coding case-insensitive", h + "Transfer-Encoding: Chunked\r\n\r\n0\r\n\r\n", 200,
       Fate::kAlive},
      bad("CL + TE", p + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
      bad("TE + CL", p + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n"),
      bad("differing CLs", h + "Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd"),
      bad("differing CL list", h + "Content-Length: 3, 4\r\n\r\nabcd"),
      bad("CL with plus sign", h + "Content-Length: +3\r\n\r\nabc"),
      bad("CL negative", h + "Content-Length: -1\r\n\r\n"),
      bad("CL with inner space", h + "Content-Length: 1 0\r\n\r\n"),
      bad("CL hex", h + "Content-Length: 0x5\r\n\r\n"),
      bad("CL empty", h + "Content-Length: \r\n\r\n"),
      bad("CL overflow", h + "Content-Length: 99999999999999999999999\r\n\r\n"),
      bad("TE in HTTP/1.0", "POST /a.txt HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
      bad("TE final coding not chunked", p + "Transfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n"),
      bad("TE chunked twice", p + "Transfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n"),
      {"unknown coding before chunked → 501",
       p + "Transfer-Encoding: foo, chunked\r\n\r\n0\r\n\r\n", 501, Fate::kClosed},
      {"gzip, chunked → 501", p + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 501,
       Fate::kClosed},
      bad_body("bad chunk size", h + "Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n"),
      bad_body("negative chunk size",
               h + "Transfer-Encoding: chunked\r\n\r\n-3\r\nabc\r\n0\r\n\r\n"),
      bad_body("chunk size with space",
               h + "Transfer-Encoding: chunked\r\n\r\n3 \r\nabc\r\n0\r\n\r\n"),
      bad_body("missing CRLF after chunk data",
               h + "Transfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n0\r\n\r\n"),
      bad_body("chunk-size overflow",
               h + "Transfer-Encoding: chunked\r\n\r\nfffffffffffffffffffff\r\nabc\r\n0\r\n\r\n"),
      bad_body("chunk size LF only", h + "Transfer-Encoding: chunked\r\n\r\n3\nabc\r\n0\r\n\r\n"),
      bad_body("empty chunk size", h + "Transfer-Encoding: chunked\r\n\r\n\r\nabc\r\n0\r\n\r\n"),
      {"CL above LimitRequestBody → 413",
       p + "Content-Length: 101\r\n\r\n",
       413,
       Fate::kClosed,
       {},
       expect_html},
      {"chunked above LimitRequestBody → 413",
       p + "Transfer-Encoding: chunked\r\n\r\n65\r\n" + std::string(101, 'x') + "\r\n0\r\n\r\n",
       413,
       Fate::kClosed,
       {},
       nullptr,
       false,
       1,
       200},
  });
}

// RFC 9112 §5: field syntax.
TEST_F(Conformance, HeaderSyntax) {
  const std::string rl = "GET /a.txt HTTP/1.1\r\nHost: x\r\n";
  run_all({
      {"OWS around value", rl + "X-A:   v  \r\n\r\n", 200, Fate::kAlive},
      {"empty value", rl + "X-A:\r\n\r\n", 200, Fate::kAlive},
      {"tab in value", rl + "X-A: a\tb\r\n\r\n", 200, Fate::kAlive},
      {"obs-text in value", rl + "X-A: caf\xc3\xa9\r\n\r\n", 200, Fate::kAlive},
      {"field name case", "GET /a.txt HTTP/1.1\r\nhOsT: x\r\n\r\n", 200, Fate::kAlive},
      bad("space before colon", rl + "X-A : v\r\n\r\n"),
      bad("tab before colon", rl + "X-A\t: v\r\n\r\n"),
      bad("bare CR in value", rl + "X-A: a\rb\r\n\r\n"),
      bad("NUL in value", rl + std::string("X-A: a\0b\r\n\r\n", 12)),
      bad("ctl char in value", rl + "X-A: a\x01"
                                    "b\r\n\r\n"),
      bad("DEL in value", rl + "X-A: a\x7f"
                               "b\r\n\r\n"),
      bad("line without colon", rl + "X-A v\r\n\r\n"),
      bad("obs-fold rejected", rl + "X-A: a\r\n b\r\n\r\n"),
      bad("leading whitespace first field", "GET /a.txt HTTP/1.1\r\n Host: x\r\n\r\n"),
      bad("invalid name char", rl + "X(A): v\r\n\r\n"),
      bad("empty field name", rl + ": v\r\n\r\n"),
      bad("bare LF line endings", "GET /a.txt HTTP/1.1\nHost: x\n\n"),
      bad("bare CR line ending", "GET /a.txt HTTP/1.1\rHost: x\r\n\r\n"),
      {"too many fields → 431",
       rl +
           [] {
             std::string s;
             for (int i = 0; i < 25; ++i) s += "X-" + std::to_string(i) + ": v\r\n";
             return s + "\r\n";
           }(),
       431,
       Fate::kClosed,
       {},
       expect_html},
      {"field too long → 431", rl + "X-A: " + std::string(600, 'a') + "\r\n\r\n", 431,
       Fate::kClosed},
  });
}

// RFC 9112 §3: request line and target forms.
TEST_F(Conformance, RequestLine) {
  run_all({
      {"origin-form with query", get("/a.txt?x=1&y"), 200, Fate::kAlive},
      {"HTTP/1.0 closes", "GET /a.txt HTTP/1.0\r\n\r\n", 200, Fate::kClosed},
      {"HTTP/1.0 keep-alive",
       "GET /a.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
       200,
       Fate::kAlive,
       {{"Keep-Alive", kPresent}}},
      {"leading CRLF ignored", "\r\n" + get("/a.txt"), 200, Fate::kAlive},
      {"absolute-form", "GET http://localhost/a.txt HTTP/1.1\r\nHost: localhost\r\n\r\n", 200,
       Fate::kAlive},
      {"absolute-form overrides Host", "GET http://example.org/sub HTTP/1.1\r\nHost: other\r\n\r\n",
       404, Fate::kAlive},
      {"absolute-form https", "GET https://localhost/a.txt HTTP/1.1\r\nHost: x\r\n\r\n", 200,
       Fate::kAlive},
      {"OPTIONS *",
       "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n",
       200,
       Fate::kAlive,
       {{"Allow", "GET, HEAD, POST, OPTIONS"}, {"Content-Length", "0"}}},
      {"OPTIONS /a.txt",
       get("/a.txt", "", "OPTIONS"),
       200,
       Fate::kAlive,
       {{"Allow", "GET, HEAD, POST, OPTIONS"}}},
      {"HTTP/1.2 → 505", "GET / HTTP/1.2\r\nHost: x\r\n\r\n", 505, Fate::kClosed, {}, expect_html},
      {"HTTP/2.0 → 505", "GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505, Fate::kClosed},
      {"HTTP/0.9 version → 505", "GET / HTTP/0.9\r\n\r\n", 505, Fate::kClosed},
      bad("HTTP/0.9 simple request", "GET /\r\n\r\n"),
      bad("lowercase http", "GET / http/1.1\r\nHost: x\r\n\r\n"),
      bad("version without minor", "GET / HTTP/1\r\nHost: x\r\n\r\n"),
      bad("two spaces", "GET  / HTTP/1.1\r\nHost: x\r\n\r\n"),
      bad("trailing space", "GET / HTTP/1.1 \r\nHost: x\r\n\r\n"),
      bad("tab separator", "GET\t/ HTTP/1.1\r\nHost: x\r\n\r\n"),
      bad("asterisk for GET", "GET * HTTP/1.1\r\nHost: x\r\n\r\n"),
      bad("authority-form for GET", "GET localhost:80 HTTP/1.1\r\nHost: x\r\n\r\n"),
      {"CONNECT authority-form → 405",
       "CONNECT localhost:443 HTTP/1.1\r\nHost: localhost:443\r\n\r\n",
       405,
       Fate::kAlive,
       {{"Allow", "GET, HEAD, POST, OPTIONS"}}},
      bad("CONNECT origin-form", "CONNECT / HTTP/1.1\r\nHost: x\r\n\r\n"),
      bad("fragment in target", get("/a.txt#frag")),
      bad("space in target", "GET /a b HTTP/1.1\r\nHost: x\r\n\r\n"),
      bad("ctl in target", "GET /a\x01 HTTP/1.1\r\nHost: x\r\n\r\n"),
      bad("empty target", "GET  HTTP/1.1\r\nHost: x\r\n\r\n"),
      {"target above LimitRequestLine → 414 with quoted ErrorDocument",
       get("/" + std::string(600, 'a')),
       414,
       Fate::kClosed,
       {},
       [](const Response& r) { EXPECT_EQ(r.body, "custom too long"); }},
  });
}

// RFC 9112 §3.2: Host.
TEST_F(Conformance, Host) {
  auto with_host = [](const std::string& fields) {
    return "GET /a.txt HTTP/1.1\r\n" + fields + "\r\n";
  };
  run_all({
      {"reg-name with port", with_host("Host: example.com:8080\r\n"), 200, Fate::kAlive},
      {"IPv4", with_host("Host: 127.0.0.1\r\n"), 200, Fate::kAlive},
      {"IPv6 literal", with_host("Host: [::1]:80\r\n"), 200, Fate::kAlive},
      {"empty Host allowed", with_host("Host:\r\n"), 200, Fate::kAlive},
      {"HTTP/1.0 without Host", "GET /a.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", 200,
       Fate::kAlive},
      bad("missing Host in 1.1", with_host("")),
      bad("two Host fields", with_host("Host: a\r\nHost: b\r\n")),
      bad("Host list", with_host("Host: a, b\r\n")),
      bad("Host with path", with_host("Host: a/b\r\n")),
      bad("Host with userinfo", with_host("Host: u@a\r\n")),
      bad("Host bad port", with_host("Host: a:8x\r\n")),
      bad("Host unclosed IPv6", with_host("Host: [::1\r\n")),
      bad("Host with space", with_host("Host: a b\r\n")),
  });
}

// RFC 9110 §9: methods.
TEST_F(Conformance, Methods) {
  const std::vector<std::pair<std::string, std::string>> allow = {
      {"Allow", "GET, HEAD, POST, OPTIONS"}};
  run_all({
      {"GET", get("/a.txt"), 200, Fate::kAlive, {{"Content-Length", "6"}}},
      {"HEAD",
       get("/a.txt", "", "HEAD"),
       200,
       Fate::kAlive,
       {{"Content-Length", "6"}},
       nullptr,
       true},
      {"PUT → 405", get("/a.txt", "Content-Length: 2\r\n", "PUT") + "xy", 405, Fate::kAlive, allow},
      {"DELETE → 405", get("/a.txt", "", "DELETE"), 405, Fate::kAlive, allow},
      {"PATCH → 405", get("/a.txt", "", "PATCH"), 405, Fate::kAlive, allow},
      {"TRACE → 405 (TraceEnable off)", get("/a.txt", "", "TRACE"), 405, Fate::kAlive, allow},
      {"unknown method → 501", get("/a.txt", "", "FOO"), 501, Fate::kClosed, {}, expect_html},
      {"lowercase get → 501", get("/a.txt", "", "get"), 501, Fate::kClosed},
      {"WebDAV PROPFIND → 501", get("/a.txt", "", "PROPFIND"), 501, Fate::kClosed},
      bad("method with bad char", get("/a.txt", "", "G(T")),
      // httpd's default handler takes POST as GET up to the file.
      {"POST on missing file → 404", get("/none", "", "POST"), 404, Fate::kAlive},
      {"POST on a file → 200",
       get("/a.txt", "", "POST"),
       200,
       Fate::kAlive,
       {{"Content-Length", "6"}}},
  });
}

// RFC 9110 §13: preconditions, evaluated in §13.2.2's order.
TEST_F(Conformance, Conditional) {
  auto r = [](const std::string& fields, const std::string& method = "GET") {
    return get("/r.txt", fields, method);
  };
  const std::string old = "Sun, 06 Nov 1994 08:49:37 GMT";
  auto no_body = [](const Response& x) { EXPECT_TRUE(x.body.empty()); };
  run_all({
      {"If-Match matching", r("If-Match: {ETAG}\r\n"), 200, Fate::kAlive},
      {"If-Match *", r("If-Match: *\r\n"), 200, Fate::kAlive},
      {"If-Match list", r("If-Match: \"zz\", {ETAG}\r\n"), 200, Fate::kAlive},
      {"If-Match failing → 412, the file's fields, no body (httpd)",
       r("If-Match: \"nope\"\r\n"),
       412,
       Fate::kAlive,
       {{"ETag", "{ETAG}"}, {"Content-Length", "0"}},
       no_body},
      {"If-Match weak never matches", r("If-Match: W/{ETAG}\r\n"), 412, Fate::kAlive},
      {"If-Unmodified-Since old → 412", r("If-Unmodified-Since: " + old + "\r\n"), 412,
       Fate::kAlive},
      {"If-Unmodified-Since LM → 200", r("If-Unmodified-Since: {LM}\r\n"), 200, Fate::kAlive},
      {"If-Match wins over IUS", r("If-Match: {ETAG}\r\nIf-Unmodified-Since: " + old + "\r\n"), 200,
       Fate::kAlive},
      {"If-None-Match matching → 304",
       r("If-None-Match: {ETAG}\r\n"),
       304,
       Fate::kAlive,
       {{"ETag", "{ETAG}"}, {"Last-Modified", "{LM}"}, {"Date", kPresent}},
       no_body},
      {"If-None-Match weak compare → 304", r("If-None-Match: W/{ETAG}\r\n"), 304, Fate::kAlive},
      {"If-None-Match * → 304", r("If-None-Match: *\r\n"), 304, Fate::kAlive},
      {"If-None-Match list", r("If-None-Match: \"a\", {ETAG}\r\n"), 304, Fate::kAlive},
      {"If-None-Match other → 200", r("If-None-Match: \"other\"\r\n"), 200, Fate::kAlive},
      {"If-None-Match on HEAD → 304",
       r("If-None-Match: {ETAG}\r\n", "HEAD"),
       304,
       Fate::kAlive,
       {},
       nullptr,
       true},
      {"If-Modified-Since LM → 304",
       r("If-Modified-Since: {LM}\r\n"),
       304,
       Fate::kAlive,
       {{"Content-Length", kAbsent}}},
      {"If-Modified-Since old → 200", r("If-Modified-Since: " + old + "\r\n"), 200, Fate::kAlive},
      {"IMS ignored with INM", r("If-None-Match: \"other\"\r\nIf-Modified-Since: {LM}\r\n"), 200,
       Fate::kAlive},
      {"IMS invalid date ignored", r("If-Modified-Since: yesterday\r\n"), 200, Fate::kAlive},
      {"IMS ignored for POST", r("If-Modified-Since: {LM}\r\n", "POST"), 200, Fate::kAlive},
      {"method checked before INM (httpd)", r("If-None-Match: *\r\n", "PUT"), 405, Fate::kAlive},
      {"If-Range strong ETag match → 206",
       r("Range: bytes=0-1\r\nIf-Range: {ETAG}\r\n"),
       206,
       Fate::kAlive,
       {{"Content-Range", "bytes 0-1/20"}}},
      {"If-Range other ETag → 200",
       r("Range: bytes=0-1\r\nIf-Range: \"x\"\r\n"),
       200,
       Fate::kAlive,
       {{"Content-Length", "20"}}},
      {"If-Range weak → 200", r("Range: bytes=0-1\r\nIf-Range: W/{ETAG}\r\n"), 200, Fate::kAlive},
      {"If-Range date match → 206", r("Range: bytes=0-1\r\nIf-Range: {LM}\r\n"), 206, Fate::kAlive},
      {"If-Range old date → 200", r("Range: bytes=0-1\r\nIf-Range: " + old + "\r\n"), 200,
       Fate::kAlive},
  });
}

void expect_multipart(const Response& r, const std::vector<std::string>& ranges,
                      const std::vector<std::string>& parts) {
  const std::string ct = r.header("Content-Type").value_or("");
  const std::string prefix = "multipart/byteranges; boundary=";
  ASSERT_EQ(ct.rfind(prefix, 0), 0u) << ct;
  const std::string boundary = ct.substr(prefix.size());
  EXPECT_EQ(r.header("Content-Length").value_or(""), std::to_string(r.body.size()));
  std::string want;
  for (size_t i = 0; i < ranges.size(); ++i) {
    want += "\r\n--" + boundary + "\r\nContent-Type: text/plain\r\nContent-Range: bytes " +
            ranges[i] + "/20\r\n\r\n" + parts[i];
  }
  want += "\r\n--" + boundary + "--\r\n";
  EXPECT_EQ(r.body, want);
}

// RFC 9110 §14: range requests.
TEST_F(Conformance, Ranges) {
  auto r = [](const std::string& range) { return get("/r.txt", "Range: " + range + "\r\n"); };
  auto body = [](std::string want) {
    return [want](const Response& x) { EXPECT_EQ(x.body, want); };
  };
  run_all({
      {"single",
       r("bytes=0-4"),
       206,
       Fate::kAlive,
       {{"Content-Range", "bytes 0-4/20"}, {"Content-Length", "5"}},
       body("01234")},
      {"open-ended",
       r("bytes=15-"),
       206,
       Fate::kAlive,
       {{"Content-Range", "bytes 15-19/20"}},
       body("fghij")},
      {"suffix",
       r("bytes=-3"),
       206,
       Fate::kAlive,
       {{"Content-Range", "bytes 17-19/20"}},
       body("hij")},
      {"suffix longer than file",
       r("bytes=-50"),
       206,
       Fate::kAlive,
       {{"Content-Range", "bytes 0-19/20"}}},
      {"last beyond end clipped",
       r("bytes=18-100"),
       206,
       Fate::kAlive,
       {{"Content-Range", "bytes 18-19/20"}},
       body("ij")},
      {"whitespace in set",
       r("bytes= 0-1 , 4-5"),
       206,
       Fate::kAlive,
       {},
       [](const Response& x) {
         expect_multipart(x, {"0-1", "4-5"}, {"01", "45"});
       }},
      {"two ranges → multipart",
       r("bytes=0-1,5-6"),
       206,
       Fate::kAlive,
       {{"Content-Range", kAbsent}},
       [](const Response& x) {
         expect_multipart(x, {"0-1", "5-6"}, {"01", "56"});
       }},
      {"overlapping coalesced",
       r("bytes=0-4,3-7"),
       206,
       Fate::kAlive,
       {{"Content-Range", "bytes 0-7/20"}},
       body("01234567")},
      {"adjacent coalesced",
       r("bytes=0-1,2-3"),
       206,
       Fate::kAlive,
       {{"Content-Range", "bytes 0-3/20"}},
       body("0123")},
      {"three ranges = MaxRanges",
       r("bytes=0-0,5-5,10-10"),
       206,
       Fate::kAlive,
       {},
       [](const Response& x) {
         expect_multipart(x, {"0-0", "5-5", "10-10"}, {"0", "5", "a"});
       }},
      {"above MaxRanges → 200",
       r("bytes=0-0,2-2,4-4,6-6"),
       200,
       Fate::kAlive,
       {{"Content-Length", "20"}},
       body(kRange)},
      {"unsatisfiable → 416",
       r("bytes=20-30"),
       416,
       Fate::kAlive,
       {{"Content-Range", "bytes */20"}}},
      {"suffix zero → 416", r("bytes=-0"), 416, Fate::kAlive, {{"Content-Range", "bytes */20"}}},
      {"one satisfiable of two",
       r("bytes=30-40,0-1"),
       206,
       Fate::kAlive,
       {{"Content-Range", "bytes 0-1/20"}}},
      {"unknown unit ignored", r("items=0-1"), 200, Fate::kAlive, {{"Content-Length", "20"}}},
      {"malformed ignored", r("bytes=abc"), 200, Fate::kAlive},
      {"reversed ignored", r("bytes=5-1"), 200, Fate::kAlive},
      {"empty set ignored", r("bytes="), 200, Fate::kAlive},
      // RFC 9110 §14.2: range handling is defined for GET only (httpd answers 206 here).
      {"Range ignored on HEAD",
       "HEAD /r.txt HTTP/1.1\r\nHost: x\r\nRange: bytes=0-1\r\n\r\n",
       200,
       Fate::kAlive,
       {{"Content-Range", kAbsent}, {"Content-Length", "20"}},
       nullptr,
       true},
      {"Accept-Ranges on 200", get("/r.txt"), 200, Fate::kAlive, {{"Accept-Ranges", "bytes"}}},
  });
}

// Responses: error bodies, ErrorDocument, HEAD, Expect, pipelining.
TEST_F(Conformance, Responses) {
  run_all({
      {"404 local ErrorDocument",
       get("/missing"),
       404,
       Fate::kAlive,
       {},
       [](const Response& r) { EXPECT_EQ(r.body, "<p>custom 404</p>\n"); }},
      {"403 external ErrorDocument → 302",
       get("/denied/x"),
       302,
       Fate::kAlive,
       {{"Location", "http://example.com/denied"}}},
      {"HEAD 404 has GET's fields",
       get("/missing", "", "HEAD"),
       404,
       Fate::kAlive,
       {{"Content-Length", "18"}},
       nullptr,
       true},
      // Rejected by the tokenizer, before the request is filled in: still no body.
      {"HEAD with a NUL in a field has no body",
       "HEAD /a.txt HTTP/1.1\r\nHost: x\r\nX-A: a\x01b\r\n\r\n",
       400,
       Fate::kClosed,
       {},
       nullptr,
       true},
      {"HEAD with an unknown version has no body",
       "HEAD / HTTP/1.7\r\nHost: x\r\n\r\n",
       505,
       Fate::kClosed,
       {},
       nullptr,
       true},
      {"HEAD of a parse error has no body",
       "HEAD /a.txt HTTP/1.1\r\nHost: x\r\nX-A : b\r\n\r\n",
       400,
       Fate::kClosed,
       {},
       nullptr,
       true},
      {"HEAD 200", get("/a.txt", "", "HEAD"), 200, Fate::kAlive, {}, nullptr, true},
      {"Expect 100-continue without body", get("/a.txt", "Expect: 100-continue\r\n"), 200,
       Fate::kAlive},
      {"Expect 100-continue on a body not read: final status, close",
       get("/a.txt", "Expect: 100-continue\r\nContent-Length: 4\r\n", "PUT"), 405, Fate::kClosed},
      {"Expect unknown → 417",
       get("/a.txt", "Expect: foo\r\n"),
       417,
       Fate::kAlive,
       {},
       expect_html},
      {"Expect unknown with body → 417, body dropped",
       get("/a.txt", "Expect: bar\r\nContent-Length: 3\r\n", "POST") + "abc", 417, Fate::kAlive},
      {"Connection: close honoured", get("/a.txt", "Connection: close\r\n"), 200, Fate::kClosed},
      {"Connection: close among tokens", get("/a.txt", "Connection: foo, close\r\n"), 200,
       Fate::kClosed},
      {"pipelined two GETs",
       get("/a.txt") + get("/r.txt"),
       200,
       Fate::kAlive,
       {{"Content-Length", "20"}},
       nullptr,
       false,
       2},
      {"pipelined after a body",
       get("/a.txt", "Content-Length: 3\r\n", "POST") + "abc" +
           get("/r.txt", "Range: bytes=1-2\r\n"),
       206,
       Fate::kAlive,
       {{"Content-Range", "bytes 1-2/20"}},
       nullptr,
       false,
       2},
      {"pipelined after chunked body",
       get("/a.txt", "Transfer-Encoding: chunked\r\n", "PUT") + "2\r\nab\r\n0\r\n\r\n" +
           get("/r.txt"),
       200,
       Fate::kAlive,
       {},
       nullptr,
       false,
       2},
      {"pipelined HEAD then GET",
       get("/a.txt", "", "HEAD") + get("/r.txt"),
       200,
       Fate::kAlive,
       {{"Content-Length", "20"}},
       nullptr,
       true,
       2},
      {"pipelined error closes after",
       get("/a.txt") + "GET / HTTP/1.1\r\nX : y\r\n\r\n" + get("/a.txt"),
       400,
       Fate::kClosed,
       {},
       nullptr,
       false,
       2},
      {"pipelined close stops", get("/a.txt", "Connection: close\r\n") + get("/r.txt"), 200,
       Fate::kClosed},
  });
}

// Regression: a body that arrives after the response (the connection waited in kReadBody)
// left the parser in its finished state, so the next request was answered as the old one.
TEST_F(Conformance, BodyArrivingAfterTheResponseKeepsTheStreamInSync) {
  for (const std::string framing : {"Transfer-Encoding: chunked\r\n", "Content-Length: 5\r\n"}) {
    SCOPED_TRACE(framing);
    Client c(server_->port());
    ASSERT_TRUE(c.send(get("/a.txt", framing, "PUT")));
    auto first = c.read_response();
    ASSERT_TRUE(first);
    EXPECT_EQ(first->status, 405);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // tern waits for the body
    const bool chunked = framing[0] == 'T';
    ASSERT_TRUE(c.send(std::string(chunked ? "5\r\nhello\r\n0\r\n\r\n" : "hello") +
                       get("/r.txt", "Range: bytes=2-3\r\n")));
    auto second = c.read_response();
    ASSERT_TRUE(second);
    EXPECT_EQ(second->status, 206) << second->status_line;
    EXPECT_EQ(second->body, "23");
  }
}

}  // namespace
}  // namespace tern::test
