#include "handlers/static_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <initializer_list>

#include "http/http_date.h"

namespace tern {
namespace {

namespace fs = std::filesystem;
constexpr time_t kMtime = 784111777;  // Sun, 06 Nov 1994 08:49:37 GMT
constexpr time_t kNow = 1700000000;

class StaticFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "tern_static_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    root_ = tmpl;
    write("a.txt", "abcdefghijklmnopqrstuvwxyz");
    write("page.html", "<p>hi</p>");
    write("noext", "x");
    write("empty.txt", "");
    fs::create_directories(root_ + "/dir");
    fs::create_directories(root_ + "/dir2");
    fs::create_directories(root_ + "/noindex");
    fs::create_directories(root_ + "/sp ace");
    write("dir/index.html", "index");
    write("dir2/second.html", "second");
    index_ = {"index.html", "second.html"};
    opt_.document_root = root_;
    opt_.directory_index = &index_;
    opt_.mime = &mime_;
    opt_.max_ranges = 200;
  }
  void TearDown() override { fs::remove_all(root_); }

  void write(const std::string& rel, const std::string& content, time_t mtime = kMtime) {
    std::string p = root_ + "/" + rel;
    std::ofstream(p, std::ios::binary) << content;
    struct timespec ts[2] = {{mtime, 0}, {mtime, 0}};
    ASSERT_EQ(utimensat(AT_FDCWD, p.c_str(), ts, 0), 0);
  }

  StaticResult get(std::string_view path, std::initializer_list<HeaderField> headers = {},
                   Method m = Method::kGet) {
    req_ = Request{};
    req_.method = m;
    req_.path = path;
    req_.host = "example.com:8080";
    req_.headers.assign(headers.begin(), headers.end());
    resp_.clear();
    return serve_static(req_, ctx_, opt_, kNow, resp_);
  }

  // The body as the connection would send it.
  std::string body() {
    std::string out;
    for (const BodyChunk& c : resp_.chunks) {
      if (!c.from_file) {
        out.append(resp_.body_mem, c.offset, c.length);
        continue;
      }
      std::string buf(c.length, '\0');
      EXPECT_EQ(pread(resp_.file.get(), buf.data(), c.length, static_cast<off_t>(c.offset)),
                static_cast<ssize_t>(c.length));
      out += buf;
    }
    return out;
  }

  std::string root_;
  std::vector<std::string> index_;
  MimeTable mime_ = MimeTable::built_in();
  StaticOptions opt_;
  RequestContext ctx_{"127.0.0.1", 40000, "127.0.0.1", 8080};
  Request req_;
  Response resp_;
};

TEST_F(StaticFileTest, ServesRegularFile) {
  StaticResult r = get("/a.txt");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(resp_.status, 200);
  EXPECT_EQ(resp_.header("Content-Type"), "text/plain");
  EXPECT_EQ(resp_.header("Last-Modified"), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(resp_.header("ETag"), "\"1a-2c9253feeaa40\"");  // 26, 784111777000000 µs
  EXPECT_EQ(resp_.header("Accept-Ranges"), "bytes");
  EXPECT_FALSE(resp_.header("Content-Length").has_value());
  EXPECT_FALSE(resp_.header("Date").has_value());
  ASSERT_EQ(resp_.chunks.size(), 1u);
  EXPECT_TRUE(resp_.chunks[0].from_file);
  EXPECT_TRUE(resp_.file);
  EXPECT_EQ(body(), "abcdefghijklmnopqrstuvwxyz");
}

TEST_F(StaticFileTest, HeadHasSameFieldsAndLength) {
  StaticResult r = get("/a.txt", {}, Method::kHead);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(resp_.header("ETag"), "\"1a-2c9253feeaa40\"");
  EXPECT_EQ(resp_.body_length(), 26u);  // the connection sends the head only
}

TEST_F(StaticFileTest, UnknownTypeAndEmptyFile) {
  EXPECT_EQ(get("/noext").status, 200);
  EXPECT_FALSE(resp_.header("Content-Type").has_value());
  EXPECT_EQ(get("/empty.txt").status, 200);
  EXPECT_EQ(resp_.body_length(), 0u);
  EXPECT_EQ(resp_.header("ETag"), "\"0-2c9253feeaa40\"");
}

TEST_F(StaticFileTest, RecentlyModifiedFileGetsWeakEtag) {
  write("fresh.txt", "new", kNow);
  EXPECT_EQ(get("/fresh.txt").status, 200);
  auto etag = resp_.header("ETag");
  ASSERT_TRUE(etag.has_value());
  EXPECT_EQ(etag->substr(0, 3), "W/\"");
  // Last-Modified never lies in the future.
  write("future.txt", "f", kNow + 3600);
  EXPECT_EQ(get("/future.txt").status, 200);
  char date[30];
  format_http_date(kNow, date);
  EXPECT_EQ(resp_.header("Last-Modified"), std::string_view(date, 29));
}

TEST_F(StaticFileTest, ConditionalResponses) {
  EXPECT_EQ(get("/a.txt", {{"If-None-Match", "\"1a-2c9253feeaa40\""}}).status, 304);
  EXPECT_EQ(resp_.status, 304);
  EXPECT_EQ(resp_.body_length(), 0u);
  EXPECT_FALSE(resp_.file);
  EXPECT_EQ(resp_.header("ETag"), "\"1a-2c9253feeaa40\"");
  EXPECT_FALSE(resp_.header("Content-Type").has_value());
  EXPECT_FALSE(resp_.header("Accept-Ranges").has_value());
  EXPECT_EQ(get("/a.txt", {{"If-Modified-Since", "Sun, 06 Nov 1994 08:49:37 GMT"}}).status, 304);
  EXPECT_EQ(get("/a.txt", {{"If-Modified-Since", "Sun, 06 Nov 1994 08:49:36 GMT"}}).status, 200);
  EXPECT_EQ(get("/a.txt", {{"If-Match", "\"nope\""}}).status, 412);
  EXPECT_EQ(get("/a.txt", {{"If-Unmodified-Since", "Sat, 05 Nov 1994 08:49:37 GMT"}}).status, 412);
}

TEST_F(StaticFileTest, SingleRange) {
  EXPECT_EQ(get("/a.txt", {{"Range", "bytes=2-4"}}).status, 206);
  EXPECT_EQ(resp_.status, 206);
  EXPECT_EQ(resp_.header("Content-Range"), "bytes 2-4/26");
  EXPECT_EQ(body(), "cde");
  EXPECT_EQ(get("/a.txt", {{"Range", "bytes=-3"}}).status, 206);
  EXPECT_EQ(body(), "xyz");
}

TEST_F(StaticFileTest, MultipleRanges) {
  EXPECT_EQ(get("/a.txt", {{"Range", "bytes=0-0,25-"}}).status, 206);
  auto ct = resp_.header("Content-Type");
  ASSERT_TRUE(ct.has_value());
  EXPECT_EQ(ct->substr(0, 31), "multipart/byteranges; boundary=");
  std::string b(ct->substr(31));
  EXPECT_EQ(body(), "\r\n--" + b + "\r\nContent-Type: text/plain\r\nContent-Range: bytes 0-0/26" +
                        "\r\n\r\na\r\n--" + b +
                        "\r\nContent-Type: text/plain\r\nContent-Range: bytes 25-25/26\r\n\r\nz" +
                        "\r\n--" + b + "--\r\n");
  EXPECT_EQ(resp_.body_length(), body().size());
}

TEST_F(StaticFileTest, RangeEdgeCases) {
  StaticResult r = get("/a.txt", {{"Range", "bytes=100-"}});
  EXPECT_EQ(r.status, 416);
  EXPECT_EQ(r.entity_length, 26u);
  EXPECT_EQ(get("/a.txt", {{"Range", "bytes=2-4"}}, Method::kHead).status, 200);
  EXPECT_EQ(resp_.body_length(), 26u);
  EXPECT_EQ(get("/a.txt", {{"Range", "lines=1-2"}}).status, 200);
  EXPECT_EQ(get("/a.txt", {{"Range", "bytes=2-4"}, {"If-Range", "\"other\""}}).status, 200);
  EXPECT_EQ(body().size(), 26u);
  EXPECT_EQ(get("/a.txt", {{"Range", "bytes=2-4"}, {"If-Range", "\"1a-2c9253feeaa40\""}}).status,
            206);
  EXPECT_EQ(
      get("/a.txt", {{"Range", "bytes=2-4"}, {"If-Range", "Sun, 06 Nov 1994 08:49:37 GMT"}}).status,
      206);
  opt_.max_ranges = 1;
  EXPECT_EQ(get("/a.txt", {{"Range", "bytes=0-0,5-5"}}).status, 200);
  opt_.max_ranges = 0;
  EXPECT_EQ(get("/a.txt", {{"Range", "bytes=0-0"}}).status, 200);
  EXPECT_EQ(resp_.header("Accept-Ranges"), "none");
}

TEST_F(StaticFileTest, DirectoryRedirect) {
  StaticResult r = get("/dir");
  EXPECT_EQ(r.status, 301);
  EXPECT_EQ(r.location, "http://example.com:8080/dir/");
  req_.has_query = true;
  req_.query = "a=1&b";
  req_.host = "";
  req_.path = "/sp%20ace";
  opt_.server_name = "www.example.org";
  r = serve_static(req_, ctx_, opt_, kNow, resp_);
  EXPECT_EQ(r.status, 301);
  EXPECT_EQ(r.location, "http://www.example.org:8080/sp%20ace/?a=1&b");
  opt_.server_name = "";
  ctx_.local_ip = "::1";
  ctx_.local_port = 80;
  r = serve_static(req_, ctx_, opt_, kNow, resp_);
  EXPECT_EQ(r.location, "http://[::1]/sp%20ace/?a=1&b");
}

// The redirect's scheme and default port come from the connection's transport.
TEST_F(StaticFileTest, DirectoryRedirectUsesTransportScheme) {
  ctx_.scheme = "https";
  StaticResult r = get("/dir");
  EXPECT_EQ(r.status, 301);
  EXPECT_EQ(r.location, "https://example.com:8080/dir/");
  req_.host = "";
  ctx_.local_port = 443;
  r = serve_static(req_, ctx_, opt_, kNow, resp_);
  EXPECT_EQ(r.location, "https://127.0.0.1/dir/");
  ctx_.local_port = 80;  // not the default port of https: named
  r = serve_static(req_, ctx_, opt_, kNow, resp_);
  EXPECT_EQ(r.location, "https://127.0.0.1:80/dir/");
}

TEST_F(StaticFileTest, DirectoryIndex) {
  EXPECT_EQ(get("/dir/").status, 200);
  EXPECT_EQ(body(), "index");
  EXPECT_EQ(resp_.header("Content-Type"), "text/html");
  EXPECT_EQ(get("/dir2/").status, 200);
  EXPECT_EQ(body(), "second");
  EXPECT_EQ(get("/noindex/").status, 403);
  EXPECT_EQ(get("/").status, 403);
  write("index.html", "root");
  EXPECT_EQ(get("/").status, 200);
  EXPECT_EQ(body(), "root");
  fs::create_directories(root_ + "/dirindex/index.html");  // a directory named like an index
  EXPECT_EQ(get("/dirindex/").status, 403);
}

TEST_F(StaticFileTest, Errors) {
  EXPECT_EQ(get("/missing.txt").status, 404);
  EXPECT_EQ(get("/a.txt/").status, 404);
  EXPECT_EQ(get("/a.txt/x").status, 404);
  EXPECT_EQ(get("/missing/x").status, 404);
  EXPECT_EQ(get("/%zz").status, 400);
  EXPECT_EQ(get("/../etc/passwd").status, 400);
  EXPECT_EQ(get("/a%2Ftxt").status, 404);
  EXPECT_EQ(get("/a.txt%00").status, 404);
  EXPECT_EQ(get("/" + std::string(5000, 'n')).status, 404);
}

TEST_F(StaticFileTest, FifoIsForbiddenAndDoesNotBlock) {
  ASSERT_EQ(mkfifo((root_ + "/pipe").c_str(), 0644), 0);
  EXPECT_EQ(get("/pipe").status, 403);
}

// As root, file permissions do not apply (CI runs as root): the lookups then run with
// the effective uid of nobody, as a server child after `User`, and root comes back after.
class AsNobodyIfRoot {
 public:
  AsNobodyIfRoot() : was_root_(::geteuid() == 0) {
    if (was_root_) switched_ = ::seteuid(65534) == 0;
  }
  ~AsNobodyIfRoot() {
    if (switched_) (void)!::seteuid(0);
  }
  bool ok() const { return !was_root_ || switched_; }

 private:
  bool was_root_;
  bool switched_ = false;
};

TEST_F(StaticFileTest, PermissionDenied) {
  write("secret.txt", "s");
  ASSERT_EQ(chmod((root_ + "/secret.txt").c_str(), 0644), 0);
  ASSERT_EQ(chmod(root_.c_str(), 0755), 0);  // mkdtemp's 0700 would refuse nobody first
  {
    AsNobodyIfRoot as;
    ASSERT_TRUE(as.ok());
    EXPECT_EQ(get("/secret.txt").status, 200);  // readable: the permission is the cause below
  }
  ASSERT_EQ(chmod((root_ + "/secret.txt").c_str(), 0), 0);
  AsNobodyIfRoot as;
  ASSERT_TRUE(as.ok());
  EXPECT_EQ(get("/secret.txt").status, 403);
}

TEST_F(StaticFileTest, SymlinksFollowed) {
  fs::create_symlink(root_ + "/a.txt", root_ + "/link.txt");
  EXPECT_EQ(get("/link.txt").status, 200);
  EXPECT_EQ(body().size(), 26u);
  fs::create_symlink(root_ + "/nowhere", root_ + "/dangling");
  EXPECT_EQ(get("/dangling").status, 404);
  fs::create_symlink(root_ + "/loop", root_ + "/loop");
  EXPECT_EQ(get("/loop").status, 403);
}

TEST_F(StaticFileTest, ServeFileBody) {
  resp_.clear();
  resp_.status = 404;
  EXPECT_TRUE(serve_file_body(root_, "/page.html", mime_, resp_));
  EXPECT_EQ(resp_.status, 404);
  EXPECT_EQ(body(), "<p>hi</p>");
  EXPECT_EQ(resp_.header("Content-Type"), "text/html");
  resp_.clear();
  EXPECT_FALSE(serve_file_body(root_, "/missing.html", mime_, resp_));
  EXPECT_FALSE(serve_file_body(root_, "/dir", mime_, resp_));
  EXPECT_FALSE(serve_file_body(root_, "/../x", mime_, resp_));
  EXPECT_TRUE(resp_.chunks.empty());
}

TEST(StaticFileErrno, Mapping) {
  EXPECT_EQ(status_for_errno(ENOENT), 404);
  EXPECT_EQ(status_for_errno(ENOTDIR), 404);
  EXPECT_EQ(status_for_errno(ENAMETOOLONG), 404);
  EXPECT_EQ(status_for_errno(EACCES), 403);
  EXPECT_EQ(status_for_errno(ELOOP), 403);
  EXPECT_EQ(status_for_errno(EMFILE), 500);
}

}  // namespace
}  // namespace tern
