// mod_deflate over real sockets: curl --compressed and a raw client get gzip bodies that
// decompress to the files, large files and CGI output stream through zlib (chunked), and
// a 64 MiB file is compressed without the server's memory growing with it.

#include <gtest/gtest.h>

#include <fstream>
#include <random>

#include "harness.h"
#include "modules/deflate/gzip_stream.h"

namespace tern::test {
namespace {

constexpr const char* kDeflateConf =
    "TypesConfig /etc/mime.types\n"
    "AddOutputFilterByType DEFLATE text/html text/plain text/xml text/css text/javascript\n"
    "AddOutputFilterByType DEFLATE application/x-javascript application/javascript "
    "application/ecmascript\n"
    "AddOutputFilterByType DEFLATE application/rss+xml\n"
    "AddOutputFilterByType DEFLATE application/wasm\n"
    "AddOutputFilterByType DEFLATE application/xml\n";

std::string text(size_t n, unsigned seed) {
  std::mt19937 gen(seed);
  std::string s;
  s.reserve(n);
  const char alphabet[] = "abcdefgh <p>\n";
  for (size_t i = 0; i < n; ++i) s.push_back(alphabet[gen() % (sizeof alphabet - 1)]);
  return s;
}

// A VmRSS/VmHWM-style field of /proc/<pid>/status, in KiB (-1 when unreadable).
long proc_kib(pid_t pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::stol(line.substr(field.size() + 1));
  }
  return -1;
}

class Deflate : public ::testing::Test {
 protected:
  void SetUp() override {
    html_ = "<html>" + text(4000, 1) + "</html>\n";
    server_.put("index.html", html_);
    server_.put("big.html", text(1 << 20, 2));
    server_.put("img.png", text(5000, 3));
    server_.root().write("cgi-bin/page.sh",
                         "#!/bin/sh\nprintf 'Content-Type: text/html\\n\\n'\n"
                         "i=0; while [ $i -lt 200 ]; do echo \"<p>line $i of the page</p>\"; "
                         "i=$((i+1)); done\n");
    ::chmod((server_.root().path() + "/cgi-bin/page.sh").c_str(), 0755);
    ASSERT_TRUE(server_.start(std::string(kDeflateConf) + "ScriptAlias /cgi-bin/ " +
                              server_.root().path() + "/cgi-bin/\n"))
        << server_.log();
  }
  std::string get_raw(const std::string& path, const std::vector<std::string>& headers,
                      Response* out = nullptr) {
    std::string req = "GET " + path + " HTTP/1.1\r\nHost: x\r\n";
    for (const auto& h : headers) req += h + "\r\n";
    Client c(server_.port());
    EXPECT_TRUE(c.send(req + "\r\n"));
    auto r = c.read_response();
    EXPECT_TRUE(r);
    if (!r) return {};
    if (out) *out = *r;
    return r->body;
  }
  Server server_;
  std::string html_;
};

TEST_F(Deflate, CurlCompressedGetsTheFile) {
  auto r = curl({"--compressed", "-D", "-", server_.url("/index.html")});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("Content-Encoding: gzip"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("Vary: Accept-Encoding"), std::string::npos);
  EXPECT_NE(r.output.find(html_), std::string::npos);  // curl decompressed it
}

TEST_F(Deflate, RawClientSmallAndLargeBodies) {
  Response r;
  std::string gz = get_raw("/index.html", {"Accept-Encoding: gzip"}, &r);
  EXPECT_EQ(r.header("content-encoding"), "gzip");
  EXPECT_TRUE(r.header("content-length"));  // known at once
  std::string back;
  ASSERT_TRUE(gunzip(gz, back));
  EXPECT_EQ(back, html_);

  gz = get_raw("/big.html", {"Accept-Encoding: gzip"}, &r);
  EXPECT_EQ(r.header("transfer-encoding"), "chunked");  // streamed through zlib
  EXPECT_FALSE(r.header("content-length"));
  back.clear();
  ASSERT_TRUE(gunzip(gz, back));
  EXPECT_EQ(back, text(1 << 20, 2));

  // Not a configured type; and a client that refuses gzip.
  EXPECT_EQ(get_raw("/img.png", {"Accept-Encoding: gzip"}, &r), text(5000, 3));
  EXPECT_FALSE(r.header("vary"));
  EXPECT_EQ(get_raw("/index.html", {"Accept-Encoding: gzip;q=0"}, &r), html_);
  EXPECT_EQ(r.header("vary"), "Accept-Encoding");
}

TEST_F(Deflate, Http10ClientGetsACloseDelimitedGzipBody) {
  Client c(server_.port());
  ASSERT_TRUE(c.send("GET /big.html HTTP/1.0\r\nAccept-Encoding: gzip\r\n\r\n"));
  ASSERT_TRUE(c.wait_closed(30000));  // the body ends with the connection
  std::string all = c.read_all(100);
  const size_t end = all.find("\r\n\r\n");
  ASSERT_NE(end, std::string::npos) << all.substr(0, 200);
  const std::string head = all.substr(0, end);
  EXPECT_NE(head.find("Content-Encoding: gzip"), std::string::npos) << head;
  EXPECT_EQ(head.find("Transfer-Encoding"), std::string::npos) << head;
  EXPECT_EQ(head.find("Content-Length"), std::string::npos) << head;
  std::string back;
  ASSERT_TRUE(gunzip(all.substr(end + 4), back));
  EXPECT_EQ(back, text(1 << 20, 2));
}

TEST_F(Deflate, CgiOutputIsCompressed) {
  Response r;
  std::string gz = get_raw("/cgi-bin/page.sh", {"Accept-Encoding: gzip"}, &r);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.header("content-encoding"), "gzip");
  std::string back;
  ASSERT_TRUE(gunzip(gz, back));
  EXPECT_NE(back.find("<p>line 199 of the page</p>\n"), std::string::npos);
  EXPECT_EQ(get_raw("/cgi-bin/page.sh", {}, &r), back);
  EXPECT_FALSE(r.header("content-encoding"));
}

TEST_F(Deflate, KeepAliveAfterCompressedResponses) {
  Client c(server_.port());
  for (const char* path : {"/big.html", "/index.html", "/big.html"}) {
    ASSERT_TRUE(c.send(std::string("GET ") + path +
                       " HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n\r\n"));
    auto r = c.read_response();
    ASSERT_TRUE(r) << path;
    std::string back;
    EXPECT_TRUE(gunzip(r->body, back)) << path;
  }
}

TEST_F(Deflate, HugeFileStreamsInBoundedMemory) {
  // 64 MiB: a whole-body buffer would grow the child by at least that much.
  {
    std::ofstream f(server_.root().path() + "/htdocs/huge.txt", std::ios::binary);
    const std::string block = text(1 << 20, 9);
    for (int i = 0; i < 64; ++i) f << block;
  }
  std::vector<pid_t> kids;
  ASSERT_TRUE(wait_until([&] {
    kids = children_of(server_.pid());
    return kids.size() == 1;
  }));
  const pid_t child = kids[0];
  get_raw("/index.html", {"Accept-Encoding: gzip"});  // warm the worker's buffers
  const long before = proc_kib(child, "VmHWM");
  ASSERT_GT(before, 0);
  Response r;
  std::string gz = get_raw("/huge.txt", {"Accept-Encoding: gzip"}, &r);
  EXPECT_EQ(r.header("content-encoding"), "gzip");
  const long after = proc_kib(child, "VmHWM");
  std::string back;
  ASSERT_TRUE(gunzip(gz, back));
  EXPECT_EQ(back.size(), 64u << 20);
  // zlib's state (~400 KiB) and the output buffers; generous for allocator slack.
  EXPECT_LT(after - before, 16 * 1024) << "VmHWM " << before << " -> " << after << " KiB";
}

}  // namespace
}  // namespace tern::test
