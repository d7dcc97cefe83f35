// mod_deflate with Debian's deflate.conf (AddOutputFilterByType DEFLATE …) as Apache httpd
// 2.4 answers: the same files and directives given to Debian's apache2 (apache_harness.h)
// and to tern, the same requests sent to both, and the heads (status, Content-Encoding,
// Vary, the ETag's -gzip suffix, Content-Length / chunked, Content-Range) and the
// decompressed bodies compared.

#include <gtest/gtest.h>

#include <random>

#include "apache_harness.h"
#include "modules/deflate/gzip_stream.h"

namespace tern::test {
namespace {

constexpr const char* kDebianDeflateConf =
    "<IfModule mod_filter.c>\n"
    "    AddOutputFilterByType DEFLATE text/html text/plain text/xml text/css text/javascript\n"
    "    AddOutputFilterByType DEFLATE application/x-javascript application/javascript "
    "application/ecmascript\n"
    "    AddOutputFilterByType DEFLATE application/rss+xml\n"
    "    AddOutputFilterByType DEFLATE application/wasm\n"
    "    AddOutputFilterByType DEFLATE application/xml\n"
    "</IfModule>\n";

std::string text(size_t n, unsigned seed) {
  std::mt19937 gen(seed);
  std::string s;
  const char alphabet[] = "abcdefghij <p>\n";
  for (size_t i = 0; i < n; ++i) s.push_back(alphabet[gen() % (sizeof alphabet - 1)]);
  return s;
}

class DeflateVersusApache : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(ApacheServer::available())
        << "apache2-bin is missing: scripts/deps.sh test installs it";
    const std::vector<std::pair<std::string, std::string>> files = {
        {"index.html", "<html>" + std::string(400, 'x') + text(4000, 1) + "</html>\n"},
        {"style.css", text(3000, 2)},
        {"img.png", text(5000, 3)},
        {"big.html", text(300000, 4)},
        {"s68.txt", std::string(68, 'a')},
        {"s69.txt", std::string(69, 'a')},
        {"empty.txt", ""},
        {"data.xml", "<?xml version=\"1.0\"?>\n<a>" + text(2000, 5) + "</a>\n"},
    };
    for (const auto& [name, content] : files) {
      apache_.put(name, content);
      tern_.put(name, content);
    }
    const std::string load = "LoadModule filter_module " + std::string(kApacheModules) +
                             "/mod_filter.so\n" + "LoadModule deflate_module " +
                             std::string(kApacheModules) + "/mod_deflate.so\n";
    start_both(apache_, tern_, load, "TypesConfig /etc/mime.types\n", kDebianDeflateConf);
  }

  // What is compared of one answer.
  static std::string summary(const Response& r) {
    auto h = headers_map(r);
    std::string s = "status=" + std::to_string(r.status);
    for (const char* name : {"content-encoding", "vary", "content-range", "content-type"})
      s += std::string(" ") + name + "=" + (h.count(name) ? h[name] : "-");
    s += h.count("content-length") ? " length" : " no-length";
    s += h.count("transfer-encoding") ? " chunked" : "";
    s += h.count("etag") && h["etag"].ends_with("-gzip\"") ? " etag-gzip" : "";
    return s;
  }
  static std::string unframed(std::string s) {
    for (const char* w : {" no-length", " length", " chunked"}) {
      const size_t at = s.find(w);
      if (at != std::string::npos) s.erase(at, std::string_view(w).size());
    }
    return s;
  }
  static std::string plain_body(const Response& r) {
    std::string out;
    if (headers_map(r)["content-encoding"] == "gzip" && r.status == 200) {
      EXPECT_TRUE(gunzip(r.body, out));
      return out;
    }
    return r.body;
  }

  // The same request to both servers; compares the heads' summaries and the bodies.
  void compare(const std::string& method, const std::string& target,
               const std::vector<std::string>& headers) {
    const bool head = method == "HEAD";
    auto a = fetch(apache_.port(), http_request(method, target, headers), head);
    auto t = fetch(tern_.port(), http_request(method, target, headers), head);
    ASSERT_TRUE(a && t) << method << " " << target;
    std::string what = method + " " + target;
    for (const auto& h : headers) what += " [" + h + "]";
    if (head) {
      // HEAD framing is core's: httpd sends no Content-Length for an empty or error body
      // and neither length nor chunked for a long gzip body (tern: chunked, see README).
      EXPECT_EQ(unframed(summary(*t)), unframed(summary(*a))) << what;
    } else {
      EXPECT_EQ(summary(*t), summary(*a)) << what;
    }
    if (head) {
      EXPECT_EQ(t->body, "");
    } else if (a->status == 206) {
      EXPECT_EQ(t->body.size(), a->body.size()) << what;  // a slice of the gzip stream
    } else {
      EXPECT_EQ(plain_body(*t), plain_body(*a)) << what;
    }
    if (headers_map(*a).count("content-length") && headers_map(*t).count("content-length")) {
      EXPECT_EQ(headers_map(*t)["content-length"], headers_map(*a)["content-length"]) << what;
    }
  }

  std::string etag(int port, const std::string& target, const std::string& ae) {
    auto r = fetch(port, http_request("GET", target, {ae}));
    return r ? headers_map(*r)["etag"] : "";
  }

  ApacheServer apache_;
  Server tern_;
};

TEST_F(DeflateVersusApache, HeadsAndBodiesMatch) {
  const std::string gz = "Accept-Encoding: gzip";
  for (const char* path : {"/index.html", "/style.css", "/img.png", "/big.html", "/s68.txt",
                           "/s69.txt", "/empty.txt", "/data.xml", "/missing.html"}) {
    compare("GET", path, {});
    compare("GET", path, {gz});
    compare("HEAD", path, {gz});
  }
  for (const char* ae : {"gzip;q=0", "gzip; q=0.000", "deflate, gzip;q=0.5", "x-gzip", "*", "GZIP",
                         "br, gzip", "identity"})
    compare("GET", "/index.html", {std::string("Accept-Encoding: ") + ae});
}

TEST_F(DeflateVersusApache, RangesApplyAfterCompression) {
  // A compressed body that fits one DeflateBufferSize: the range cuts the gzip bytes.
  compare("GET", "/index.html", {"Accept-Encoding: gzip", "Range: bytes=0-9"});
  compare("GET", "/index.html", {"Accept-Encoding: gzip", "Range: bytes=-20"});
  // Without gzip the range is the file's, and Vary still says Accept-Encoding.
  compare("GET", "/index.html", {"Range: bytes=0-9"});
  // A large compressed body: httpd no longer sees it whole, the range is dropped (200).
  compare("GET", "/big.html", {"Accept-Encoding: gzip", "Range: bytes=0-9"});
  compare("GET", "/img.png", {"Accept-Encoding: gzip", "Range: bytes=0-9"});
}

TEST_F(DeflateVersusApache, ConditionalRequests) {
  // The identity ETag revalidates to a 304 without Vary on both (httpd's error path).
  const std::string a_tag = etag(apache_.port(), "/index.html", "X-None: 1");
  const std::string t_tag = etag(tern_.port(), "/index.html", "X-None: 1");
  ASSERT_FALSE(a_tag.empty());
  ASSERT_FALSE(t_tag.empty());
  auto a = fetch(
      apache_.port(),
      http_request("GET", "/index.html", {"Accept-Encoding: gzip", "If-None-Match: " + a_tag}));
  auto t = fetch(tern_.port(), http_request("GET", "/index.html",
                                            {"Accept-Encoding: gzip", "If-None-Match: " + t_tag}));
  ASSERT_TRUE(a && t);
  EXPECT_EQ(summary(*t), summary(*a));
  EXPECT_EQ(a->status, 304);

  // The -gzip ETag: httpd 2.4 never matches it (it compares the identity tag, 200 again);
  // tern answers 304 so that caches can revalidate the gzip representation.
  const std::string a_gz = etag(apache_.port(), "/index.html", "Accept-Encoding: gzip");
  const std::string t_gz = etag(tern_.port(), "/index.html", "Accept-Encoding: gzip");
  ASSERT_TRUE(t_gz.ends_with("-gzip\""));
  a = fetch(apache_.port(), http_request("GET", "/index.html",
                                         {"Accept-Encoding: gzip", "If-None-Match: " + a_gz}));
  t = fetch(tern_.port(), http_request("GET", "/index.html",
                                       {"Accept-Encoding: gzip", "If-None-Match: " + t_gz}));
  ASSERT_TRUE(a && t);
  EXPECT_EQ(a->status, 200);
  EXPECT_EQ(t->status, 304);
  EXPECT_EQ(headers_map(*t)["etag"], t_gz);
}

}  // namespace
}  // namespace tern::test
