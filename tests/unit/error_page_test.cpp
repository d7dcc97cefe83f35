#include "handlers/error_page.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace tern {
namespace {

namespace fs = std::filesystem;

std::string mem_body(const Response& r) {
  std::string out;
  for (const BodyChunk& c : r.chunks) {
    EXPECT_FALSE(c.from_file);
    out.append(r.body_mem, c.offset, c.length);
  }
  return out;
}

Request get_request() {
  Request r;
  r.method = Method::kPost;
  r.method_name = "POST";
  r.path = "/x";
  return r;
}

TEST(ErrorPage, BuiltIn404LikeHttpd) {
  Config config;
  ErrorPages pages(config, nullptr);
  Response resp;
  resp.add_header("ETag", "\"x\"");
  resp.append_body("stale");
  pages.render(404, nullptr, {}, resp);
  EXPECT_EQ(resp.status, 404);
  EXPECT_EQ(resp.fields, "Content-Type: text/html; charset=iso-8859-1\r\n");
  EXPECT_EQ(mem_body(resp),
            "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01//EN\" "
            "\"http://www.w3.org/TR/html4/strict.dtd\">\n<html><head>\n"
            "<title>404 Not Found</title>\n</head><body>\n<h1>Not Found</h1>\n"
            "<p>The requested URL was not found on this server.</p>\n</body></html>\n");
  EXPECT_FALSE(resp.close_connection);
}

TEST(ErrorPage, EveryKnownStatusHasAPage) {
  Config config;
  ErrorPages pages(config, nullptr);
  for (int s : {400, 403, 404, 405, 408, 411, 412, 413, 414, 416, 417, 431, 500, 501, 503, 505}) {
    std::string_view b = pages.built_in_body(s);
    std::string title = "<title>" + std::to_string(s) + " " + std::string(reason_phrase(s));
    EXPECT_NE(b.find(title), std::string_view::npos) << s;
  }
  // Unknown statuses fall back to 500's page.
  EXPECT_EQ(pages.built_in_body(599), pages.built_in_body(500));
  EXPECT_EQ(pages.built_in_body(42), pages.built_in_body(500));
}

TEST(ErrorPage, MethodIsEscapedInto405And501) {
  Config config;
  ErrorPages pages(config, nullptr);
  Response resp;
  Request req = get_request();
  ErrorExtras e;
  e.allow = "GET, HEAD, OPTIONS";
  pages.render(405, &req, e, resp);
  EXPECT_EQ(resp.header("Allow"), "GET, HEAD, OPTIONS");
  EXPECT_NE(mem_body(resp).find("<p>The requested method POST is not allowed for this URL.</p>"),
            std::string::npos);
  req.method_name = "X<&>";
  pages.render(501, &req, {}, resp);
  EXPECT_NE(mem_body(resp).find("<p>X&lt;&amp;&gt; not supported"), std::string::npos);
  EXPECT_TRUE(resp.close_connection);
  EXPECT_EQ(resp.body_length(), mem_body(resp).size());
}

TEST(ErrorPage, RedirectCarriesLocationAndLink) {
  Config config;
  ErrorPages pages(config, nullptr);
  Response resp;
  ErrorExtras e;
  e.location = "http://h/a\"b/";
  pages.render(301, nullptr, e, resp);
  EXPECT_EQ(resp.status, 301);
  EXPECT_EQ(resp.header("Location"), "http://h/a\"b/");
  EXPECT_NE(mem_body(resp).find("<a href=\"http://h/a&quot;b/\">here</a>"), std::string::npos);
  EXPECT_NE(mem_body(resp).find("<title>301 Moved Permanently</title>"), std::string::npos);
}

TEST(ErrorPage, SeeOtherHasHttpdsOwnSentence) {
  Config config;
  ErrorPages pages(config, nullptr);
  Response resp;
  ErrorExtras e;
  e.location = "http://h/x";
  pages.render(303, nullptr, e, resp);
  EXPECT_EQ(resp.header("Location"), "http://h/x");
  EXPECT_NE(mem_body(resp).find(
                "<p>The answer to your request is located <a href=\"http://h/x\">here</a>.</p>"),
            std::string::npos)
      << mem_body(resp);
}

TEST(ErrorPage, RangeNotSatisfiableAndNotModified) {
  Config config;
  ErrorPages pages(config, nullptr);
  Response resp;
  ErrorExtras e;
  e.entity_length = 26;
  pages.render(416, nullptr, e, resp);
  EXPECT_EQ(resp.header("Content-Range"), "bytes */26");
  pages.render(304, nullptr, {}, resp);
  EXPECT_EQ(resp.body_length(), 0u);
  EXPECT_TRUE(resp.fields.empty());
}

TEST(ErrorPage, ClosesConnectionLikeHttpd) {
  Config config;
  ErrorPages pages(config, nullptr);
  Response resp;
  for (int s : {400, 408, 411, 413, 414, 431, 500, 501, 503}) {
    pages.render(s, nullptr, {}, resp);
    EXPECT_TRUE(resp.close_connection) << s;
  }
  for (int s : {403, 404, 405, 412, 416}) {
    pages.render(s, nullptr, {}, resp);
    EXPECT_FALSE(resp.close_connection) << s;
  }
}

class ErrorDocumentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "tern_errdoc_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    config_.document_root = tmpl;
    fs::create_directories(tmpl + "/errors");
    std::ofstream(tmpl + "/errors/404.html") << "<b>custom</b>";
  }
  void TearDown() override { fs::remove_all(config_.document_root); }
  void add(int status, ErrorDocumentSpec::Kind kind, std::string value) {
    config_.error_documents.push_back({status, kind, std::move(value)});
  }
  Config config_;
  MimeTable mime_ = MimeTable::built_in();
};

TEST_F(ErrorDocumentTest, LocalFile) {
  add(404, ErrorDocumentSpec::Kind::kLocalPath, "/errors/404.html");
  ErrorPages pages(config_, &mime_);
  Response resp;
  pages.render(404, nullptr, {}, resp);
  EXPECT_EQ(resp.status, 404);
  EXPECT_EQ(resp.header("Content-Type"), "text/html");
  ASSERT_EQ(resp.chunks.size(), 1u);
  EXPECT_TRUE(resp.chunks[0].from_file);
  EXPECT_EQ(resp.body_length(), 13u);
  EXPECT_TRUE(resp.file);
}

TEST_F(ErrorDocumentTest, MissingLocalFileFallsBack) {
  add(404, ErrorDocumentSpec::Kind::kLocalPath, "/errors/missing.html");
  add(403, ErrorDocumentSpec::Kind::kLocalPath, "/../../etc/passwd");
  ErrorPages pages(config_, &mime_);
  Response resp;
  pages.render(404, nullptr, {}, resp);
  EXPECT_EQ(mem_body(resp), pages.built_in_body(404));
  EXPECT_FALSE(resp.file);
  pages.render(403, nullptr, {}, resp);
  EXPECT_EQ(mem_body(resp), pages.built_in_body(403));
}

TEST_F(ErrorDocumentTest, RedirectAndText) {
  add(404, ErrorDocumentSpec::Kind::kRedirect, "http://example.com/notfound");
  add(500, ErrorDocumentSpec::Kind::kText, "Oops");
  add(500, ErrorDocumentSpec::Kind::kText, "Oops, later wins");
  ErrorPages pages(config_, &mime_);
  Response resp;
  pages.render(404, nullptr, {}, resp);
  EXPECT_EQ(resp.status, 302);
  EXPECT_EQ(resp.header("Location"), "http://example.com/notfound");
  EXPECT_NE(mem_body(resp).find("<title>302 Found</title>"), std::string::npos);
  pages.render(500, nullptr, {}, resp);
  EXPECT_EQ(resp.status, 500);
  EXPECT_EQ(resp.header("Content-Type"), "text/html; charset=iso-8859-1");
  EXPECT_EQ(mem_body(resp), "Oops, later wins");
}

TEST_F(ErrorDocumentTest, KeepsAllowOn405) {
  add(405, ErrorDocumentSpec::Kind::kText, "no");
  ErrorPages pages(config_, &mime_);
  Response resp;
  ErrorExtras e;
  e.allow = "GET";
  pages.render(405, nullptr, e, resp);
  EXPECT_EQ(resp.header("Allow"), "GET");
  EXPECT_EQ(mem_body(resp), "no");
}

TEST(ErrorPage, HtmlEscape) {
  std::string out;
  append_html_escaped(out, "a<b>&\"c'");
  EXPECT_EQ(out, "a&lt;b&gt;&amp;&quot;c'");
}

}  // namespace
}  // namespace tern
