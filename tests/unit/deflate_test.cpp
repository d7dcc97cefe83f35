// mod_deflate's pieces: the zlib stream (round trips), Accept-Encoding and Content-Encoding
// as httpd 2.4.71 parses them, the filter's decision on a head, and the module through
// SiteHandler (directives, static files compressed with the head httpd sends).

#include <gtest/gtest.h>

#include <random>

#include "config_test_util.h"
#include "handlers/site_handler.h"
#include "http/response_task.h"
#include "modules/deflate/accept_encoding.h"
#include "modules/deflate/deflate_filter.h"
#include "modules/deflate/deflate_task.h"
#include "modules/deflate/gzip_cache.h"
#include "modules/deflate/gzip_stream.h"

namespace tern {
namespace {

std::string random_text(size_t n, unsigned seed) {
  std::mt19937 gen(seed);
  std::string s;
  s.reserve(n);
  const char alphabet[] = "abcdefghij \n<>";
  for (size_t i = 0; i < n; ++i) s.push_back(alphabet[gen() % (sizeof alphabet - 1)]);
  return s;
}

TEST(GzipStream, RoundTripsEmptySmallAndLarge) {
  for (size_t n : {size_t{0}, size_t{1}, size_t{68}, size_t{4096}, size_t{3} << 20}) {
    const std::string in = random_text(n, static_cast<unsigned>(n));
    const std::string gz = gzip_compress(in, GzipSettings{});
    ASSERT_GE(gz.size(), 18u);
    EXPECT_EQ(static_cast<unsigned char>(gz[0]), 0x1f);  // gzip magic
    EXPECT_EQ(static_cast<unsigned char>(gz[1]), 0x8b);
    std::string back;
    ASSERT_TRUE(gunzip(gz, back)) << n;
    EXPECT_EQ(back, in);
  }
}

TEST(GzipStream, PiecesAndSettingsGiveTheSameBytesBack) {
  const std::string in = random_text(200000, 7);
  for (GzipSettings s : {GzipSettings{1, 9, 1}, GzipSettings{9, 15, 9}, GzipSettings{5, 1, 3}}) {
    GzipStream z(s);
    ASSERT_TRUE(z.ok());
    std::string out;
    for (size_t off = 0; off < in.size(); off += 1000)
      ASSERT_TRUE(z.write(std::string_view(in).substr(off, 1000), out));
    ASSERT_TRUE(z.sync_flush(out));
    ASSERT_TRUE(z.finish(out));
    EXPECT_TRUE(z.finished());
    EXPECT_EQ(z.total_in(), in.size());
    std::string back;
    ASSERT_TRUE(gunzip(out, back));
    EXPECT_EQ(back, in);
  }
  std::string bad;
  EXPECT_FALSE(gunzip("not gzip at all", bad));
}

TEST(AcceptEncoding, AsHttpd2471) {
  // Each verdict below was measured against Debian's apache2 2.4.71.
  EXPECT_TRUE(accepts_gzip("gzip"));
  EXPECT_TRUE(accepts_gzip("GZIP"));
  EXPECT_TRUE(accepts_gzip("gzip, deflate, br"));
  EXPECT_TRUE(accepts_gzip("deflate, gzip;q=0.5"));
  EXPECT_TRUE(accepts_gzip("br, gzip"));
  EXPECT_TRUE(accepts_gzip("gzip;q=0.0001"));
  EXPECT_TRUE(accepts_gzip("gzip;level=1;q=0"));  // only the first parameter counts
  EXPECT_FALSE(accepts_gzip(""));
  EXPECT_FALSE(accepts_gzip("x-gzip"));
  EXPECT_FALSE(accepts_gzip("*"));
  EXPECT_FALSE(accepts_gzip("identity"));
  EXPECT_FALSE(accepts_gzip("gzipx"));
  EXPECT_FALSE(accepts_gzip("gzip;q=0"));
  EXPECT_FALSE(accepts_gzip("gzip; q=0"));
  EXPECT_FALSE(accepts_gzip("gzip ;q=0"));
  EXPECT_FALSE(accepts_gzip("gzip;q=0.0"));
  EXPECT_FALSE(accepts_gzip("gzip;q=0.000"));
  EXPECT_FALSE(accepts_gzip("gzip;q=0,deflate"));
}

TEST(AcceptEncoding, ContentEncodingIdentityForms) {
  EXPECT_TRUE(encoding_is_identity("identity"));
  EXPECT_TRUE(encoding_is_identity("7bit, binary"));
  EXPECT_FALSE(encoding_is_identity("gzip"));
  EXPECT_FALSE(encoding_is_identity("identity, br"));
  EXPECT_FALSE(encoding_is_identity("Identity"));  // httpd compares case-sensitively
}

TEST(DeflateDecide, HeadChangesAsHttpd) {
  const std::vector<std::string> types{"text/html"};
  DeflateMatch m;
  m.types = &types;
  DeflateRequest rq;
  rq.accept_encoding = "gzip";
  auto head = [](std::string_view type) {
    Response r;
    r.add_header("ETag", "\"12ce-661820dcca5a4\"");
    r.add_header("Content-Type", type);
    return r;
  };
  Response r = head("text/html; charset=utf-8");
  EXPECT_EQ(deflate_decide(rq, m, 4814, AlterEtag::kAddSuffix, r), DeflateVerdict::kCompress);
  EXPECT_EQ(r.header("Content-Encoding"), "gzip");
  EXPECT_EQ(r.header("Vary"), "Accept-Encoding");
  EXPECT_EQ(r.header("ETag"), "\"12ce-661820dcca5a4-gzip\"");

  r = head("image/png");  // not a configured type: untouched
  EXPECT_EQ(deflate_decide(rq, m, 4814, AlterEtag::kAddSuffix, r), DeflateVerdict::kPass);
  EXPECT_FALSE(r.header("Vary"));

  r = head("text/html");  // 68 bytes: too short, untouched
  EXPECT_EQ(deflate_decide(rq, m, 68, AlterEtag::kAddSuffix, r), DeflateVerdict::kPass);
  EXPECT_FALSE(r.header("Vary"));

  r = head("text/html");
  r.add_header("Vary", "Cookie");
  r.add_header("Content-Encoding", "br");  // already encoded
  EXPECT_EQ(deflate_decide(rq, m, 4814, AlterEtag::kAddSuffix, r), DeflateVerdict::kPass);

  r = head("text/html");
  r.add_header("Vary", "Cookie");
  DeflateRequest no = rq;
  no.accept_encoding.reset();  // a client that did not ask: Vary all the same
  EXPECT_EQ(deflate_decide(no, m, 4814, AlterEtag::kAddSuffix, r), DeflateVerdict::kVaryOnly);
  EXPECT_EQ(r.header("Vary"), "Cookie, Accept-Encoding");
  EXPECT_FALSE(r.header("Content-Encoding"));
  EXPECT_EQ(r.header("ETag"), "\"12ce-661820dcca5a4\"");

  r = head("text/html");
  no = rq;
  no.no_gzip = true;  // no-gzip: untouched, no Vary
  EXPECT_EQ(deflate_decide(no, m, 4814, AlterEtag::kAddSuffix, r), DeflateVerdict::kPass);
  EXPECT_FALSE(r.header("Vary"));

  r = head("text/html");
  r.status = 204;
  EXPECT_EQ(deflate_decide(rq, m, std::nullopt, AlterEtag::kAddSuffix, r), DeflateVerdict::kPass);

  r = head("text/html");
  EXPECT_EQ(deflate_decide(rq, m, 4814, AlterEtag::kRemove, r), DeflateVerdict::kCompress);
  EXPECT_FALSE(r.header("ETag"));
  r = head("text/html");
  EXPECT_EQ(deflate_decide(rq, m, 4814, AlterEtag::kNoChange, r), DeflateVerdict::kCompress);
  EXPECT_EQ(r.header("ETag"), "\"12ce-661820dcca5a4\"");
}

class ModDeflate : public testing::ConfigTest {
 protected:
  // GET (or `method`) `path` with `headers` through a SiteHandler over `conf`.
  Response get(const std::string& conf, const std::string& path,
               std::vector<HeaderField> headers = {}, Method method = Method::kGet) {
    auto c = ok("DocumentRoot " + dir.path() + "/htdocs\n" + conf);
    std::string error;
    auto h = SiteHandler::create(c, &error);
    EXPECT_TRUE(h) << error;
    Response resp;
    if (!h) return resp;
    Request req;
    req.method = method;
    req.method_name = method == Method::kHead ? "HEAD" : "GET";
    req.path = path;
    req.host = "example.com";
    req.version_minor = 1;
    req.headers = std::move(headers);
    RequestContext ctx{"192.0.2.7", 40000, "192.0.2.1", 80};
    h->handle(req, ctx, resp);
    return resp;
  }
  std::string body(const Response& r) {
    std::string out;
    for (const BodyChunk& c : r.chunks) {
      EXPECT_FALSE(c.from_file);
      out.append(r.body_mem, c.offset, c.length);
    }
    return out;
  }
  static constexpr const char* kConf =
      "TypesConfig /etc/mime.types\nAddOutputFilterByType DEFLATE text/html text/css\n";
};

TEST_F(ModDeflate, SmallHtmlCompressedAtOnceWithLength) {
  const std::string html = "<html>" + std::string(4000, 'x') + "</html>\n";
  dir.write("htdocs/a.html", html);
  Response r = get(kConf, "/a.html", {{"Accept-Encoding", "gzip, deflate"}});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("Content-Encoding"), "gzip");
  EXPECT_EQ(r.header("Vary"), "Accept-Encoding");
  EXPECT_TRUE(r.header("ETag")->ends_with("-gzip\""));
  EXPECT_FALSE(r.chunked);
  std::string back;
  ASSERT_TRUE(gunzip(body(r), back));
  EXPECT_EQ(back, html);

  r = get(kConf, "/a.html");  // no Accept-Encoding: as is, with Vary
  EXPECT_FALSE(r.header("Content-Encoding"));
  EXPECT_EQ(r.header("Vary"), "Accept-Encoding");
  EXPECT_EQ(r.body_length(), html.size());
}

TEST_F(ModDeflate, RangeOnASmallBodyCutsTheGzipBytes) {
  const std::string html = "<html>" + std::string(4000, 'x') + "</html>\n";
  dir.write("htdocs/a.html", html);
  Response whole = get(kConf, "/a.html", {{"Accept-Encoding", "gzip"}});
  Response r = get(kConf, "/a.html", {{"Accept-Encoding", "gzip"}, {"Range", "bytes=0-9"}});
  EXPECT_EQ(r.status, 206);
  EXPECT_EQ(r.header("Content-Encoding"), "gzip");
  EXPECT_EQ(*r.header("Content-Range"), "bytes 0-9/" + std::to_string(whole.body_length()));
  EXPECT_EQ(body(r), body(whole).substr(0, 10));
  // Without gzip the range is the file's, and Vary is kept (httpd: filter before ranges).
  r = get(kConf, "/a.html", {{"Range", "bytes=0-9"}});
  EXPECT_EQ(r.status, 206);
  EXPECT_EQ(r.header("Vary"), "Accept-Encoding");
  EXPECT_EQ(*r.header("Content-Range"), "bytes 0-9/" + std::to_string(html.size()));
}

TEST_F(ModDeflate, GzipEtagRevalidatesTo304) {
  dir.write("htdocs/a.css", std::string(3000, 'c'));
  Response r = get(kConf, "/a.css", {{"Accept-Encoding", "gzip"}});
  const std::string etag(*r.header("ETag"));
  r = get(kConf, "/a.css", {{"Accept-Encoding", "gzip"}, {"If-None-Match", etag}});
  EXPECT_EQ(r.status, 304);
  EXPECT_EQ(r.header("ETag"), etag);
  EXPECT_EQ(r.body_length(), 0u);
}

TEST_F(ModDeflate, LargeFileBecomesAStreamingTask) {
  dir.write("htdocs/big.html", random_text(300000, 3));
  Response r = get(kConf, "/big.html", {{"Accept-Encoding", "gzip"}});
  EXPECT_TRUE(r.task);
  EXPECT_EQ(r.body_length(), 0u);  // the body moved into the task
  EXPECT_EQ(r.header("Content-Encoding"), "gzip");
  r = get(kConf, "/big.html", {{"Accept-Encoding", "gzip"}}, Method::kHead);
  EXPECT_FALSE(r.task);
  EXPECT_TRUE(r.chunked);  // length unknown without compressing it all
}

TEST_F(ModDeflate, SetOutputFilterAndAddOutputFilter) {
  dir.write("htdocs/a.png", std::string(3000, 'p'));
  dir.write("htdocs/b.txt.zz", std::string(3000, 'z'));
  Response r = get("TypesConfig /etc/mime.types\nSetOutputFilter DEFLATE\n", "/a.png",
                   {{"Accept-Encoding", "gzip"}});
  EXPECT_EQ(r.header("Content-Encoding"), "gzip");
  r = get("AddOutputFilter DEFLATE zz\n", "/b.txt.zz", {{"Accept-Encoding", "gzip"}});
  EXPECT_EQ(r.header("Content-Encoding"), "gzip");
  r = get("AddOutputFilter DEFLATE zz\n", "/a.png", {{"Accept-Encoding", "gzip"}});
  EXPECT_FALSE(r.header("Content-Encoding"));
}

TEST_F(ModDeflate, DirectivesCheckedAsHttpd) {
  EXPECT_NE(err("DeflateCompressionLevel 0\n").find("Compression Level must be between 1 and 9"),
            std::string::npos);
  EXPECT_NE(err("DeflateWindowSize 16\n").find("between 1 and 15"), std::string::npos);
  EXPECT_NE(err("DeflateMemLevel 10\n").find("between 1 and 9"), std::string::npos);
  EXPECT_NE(err("DeflateBufferSize 0\n").find("should be positive"), std::string::npos);
  EXPECT_NE(err("AddOutputFilterByType INCLUDES text/html\n").find("Unknown filter provider"),
            std::string::npos);
  EXPECT_NE(err("SetOutputFilter INCLUDES\n").find("only DEFLATE"), std::string::npos);
  EXPECT_NE(err("DeflateFilterNote ratio r\n").find("not supported"), std::string::npos);
  EXPECT_NE(err("<Location /x>\nDeflateCompressionLevel 5\n</Location>\n")
                .find("DeflateCompressionLevel not allowed in <Location> context"),
            std::string::npos);
  ok("DeflateCompressionLevel 9\nDeflateWindowSize 10\nDeflateMemLevel 2\n"
     "DeflateBufferSize 4096\nDeflateAlterETag NoChange\n"
     "<Location /x>\nAddOutputFilterByType DEFLATE text/plain\n</Location>\n");
}

TEST_F(ModDeflate, NestedScopeTypesReplaceOuter) {
  dir.write("htdocs/x/a.css", std::string(3000, 'c'));
  dir.write("htdocs/x/a.html", std::string(3000, 'h'));
  const std::string conf =
      std::string(kConf) + "<Location /x>\nAddOutputFilterByType DEFLATE text/css\n</Location>\n";
  EXPECT_EQ(get(conf, "/x/a.css", {{"Accept-Encoding", "gzip"}}).header("Content-Encoding"),
            "gzip");
  // mod_filter's live_filters overlay: the inner scope's DEFLATE list replaces the outer one.
  EXPECT_FALSE(get(conf, "/x/a.html", {{"Accept-Encoding", "gzip"}}).header("Content-Encoding"));
}

}  // namespace
}  // namespace tern

namespace tern {
namespace {

TEST(GzipCache, HitsOnlyForEqualBytesAndSettings) {
  GzipCache cache(1024, 4);
  const std::string a(600, 'a');
  auto first = cache.get(a, GzipSettings{});
  ASSERT_TRUE(first);
  EXPECT_EQ(cache.get(std::string(600, 'a'), GzipSettings{}), first);  // equal bytes: hit
  EXPECT_NE(cache.get(a, GzipSettings{1, 15, 9}), first);              // other settings
  auto b = cache.get(std::string(600, 'b'), GzipSettings{});
  std::string back;
  ASSERT_TRUE(gunzip(*b, back));
  EXPECT_EQ(back, std::string(600, 'b'));
  const std::string big(2000, 'c');  // above the bound: compressed, never kept
  EXPECT_NE(cache.get(big, GzipSettings{}), cache.get(big, GzipSettings{}));
  for (char c = 'd'; c < 'k'; ++c) cache.get(std::string(100, c), GzipSettings{});  // overflow
  back.clear();
  ASSERT_TRUE(gunzip(*cache.get(a, GzipSettings{}), back));
  EXPECT_EQ(back, a);
}

}  // namespace
}  // namespace tern

namespace tern {
namespace {

// A connection that takes at most `room` body bytes per step (a slow client).
class FakeIo final : public TaskIo {
 public:
  IoResult read_body(std::span<char>) override { return {IoStatus::kEof, 0, 0}; }
  int body_error_status() const override { return 0; }
  Response& response() override { return resp; }
  void set_content_length(uint64_t n) override { length = n; }
  size_t write_body(std::string_view data) override {
    const size_t take = std::min(data.size(), room);
    room -= take;
    out.append(data.substr(0, take));
    return take;
  }
  bool head_sent() const override { return !out.empty(); }
  bool watch(int) override { return true; }
  void unwatch(int) override {}
  void set_backend_timeout_ms(int64_t) override {}
  void note_backend_progress() override {}

  Response resp;
  std::string out;
  size_t room = 0;
  std::optional<uint64_t> length;
};

// A backend (as CGI) that sets its head, then writes `body` honouring backpressure.
class FakeBackend final : public ResponseTask {
 public:
  FakeBackend(std::string type, std::string body, bool declare_length)
      : type_(std::move(type)), body_(std::move(body)), declare_(declare_length) {}
  TaskStep step(TaskIo& io) override {
    if (!head_) {
      io.response().add_header("Content-Type", type_);
      if (declare_) io.set_content_length(body_.size());
      head_ = true;
    }
    while (off_ < body_.size()) {
      const size_t n = io.write_body(std::string_view(body_).substr(off_, 8192));
      off_ += n;
      if (n == 0) return TaskStep::kWaitBackend;
    }
    return TaskStep::kDone;
  }
  void abort(TaskIo&, TaskAbort) override {}

 private:
  std::string type_, body_;
  bool declare_;
  bool head_ = false;
  size_t off_ = 0;
};

// A wrap task compressing text/html for a gzip client, over a backend that declares
// `type` and a length.
std::unique_ptr<ResponseTask> wrap_for_html(std::string type, const std::string& body) {
  static const std::vector<std::string> types{"text/html"};
  DeflateMatch m;
  m.types = &types;
  DeflateRequest rq;
  rq.accept_encoding = "gzip";
  return make_deflate_wrap_task(std::make_unique<FakeBackend>(std::move(type), body, true), rq, m,
                                AlterEtag::kAddSuffix, GzipSettings{});
}

TEST(DeflateWrapTask, CompressesABackendThroughASlowClient) {
  const std::string body = random_text(300000, 11);
  auto task = wrap_for_html("text/html", body);
  FakeIo io;
  int steps = 0;
  for (TaskStep st = TaskStep::kWaitBackend; st != TaskStep::kDone; ++steps) {
    ASSERT_LT(steps, 100000);
    io.room = 1000;  // the client drained 1000 bytes since the last step
    st = task->step(io);
    ASSERT_NE(st, TaskStep::kError);
  }
  EXPECT_GT(steps, 10);  // backpressure held it back
  EXPECT_EQ(io.resp.header("Content-Encoding"), "gzip");
  EXPECT_FALSE(io.length);  // the backend's length is not the gzip's
  std::string back;
  ASSERT_TRUE(gunzip(io.out, back));
  EXPECT_EQ(back, body);
}

TEST(DeflateWrapTask, OtherTypesPassThroughWithTheirLength) {
  const std::string body = random_text(20000, 12);
  auto task = wrap_for_html("image/png", body);
  FakeIo io;
  io.room = 1 << 20;
  EXPECT_EQ(task->step(io), TaskStep::kDone);
  EXPECT_EQ(io.out, body);
  EXPECT_EQ(io.length, body.size());
  EXPECT_FALSE(io.resp.header("Content-Encoding"));
  EXPECT_FALSE(io.resp.header("Vary"));
}

}  // namespace
}  // namespace tern
