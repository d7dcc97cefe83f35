#include "modules/cgi/cgi_headers.h"

#include <gtest/gtest.h>

namespace tern {
namespace {

// Feeds `text` in pieces of `step` bytes; returns the final state and the body offset.
CgiHeaderParser::State feed_all(CgiHeaderParser& p, std::string_view text, size_t step,
                                size_t* body_at) {
  size_t at = 0;
  CgiHeaderParser::State s = CgiHeaderParser::State::kMore;
  while (at < text.size() && s == CgiHeaderParser::State::kMore) {
    size_t used = 0;
    s = p.feed(text.substr(at, step), &used);
    at += used;
  }
  *body_at = at;
  return s;
}

TEST(CgiHeaders, ParsesStatusTypeLengthAndFieldsInAnySplit) {
  const std::string text =
      "Status: 404 Not Here\r\nContent-Type: Text/HTML; Charset=UTF-8  \r\n"
      "Content-Length: 5\r\nX-One: a\r\nSet-Cookie: a=1\nSet-Cookie: b=2\r\n\r\nhello";
  for (size_t step : {1u, 2u, 7u, 1000u}) {
    CgiHeaderParser p;
    size_t body = 0;
    ASSERT_EQ(feed_all(p, text, step, &body), CgiHeaderParser::State::kDone) << step;
    EXPECT_EQ(text.substr(body), "hello");
    EXPECT_EQ(p.head().status, 404);
    EXPECT_TRUE(p.head().has_status);
    EXPECT_EQ(p.head().reason, "Not Here");
    EXPECT_EQ(p.head().content_type, "text/html; charset=UTF-8");
    ASSERT_TRUE(p.head().content_length);
    EXPECT_EQ(*p.head().content_length, 5u);
    ASSERT_EQ(p.head().fields.size(), 3u);
    EXPECT_EQ(p.head().fields[0].first, "X-One");
    EXPECT_EQ(p.head().fields[2].second, "b=2");
  }
}

TEST(CgiHeaders, LocationAndDefaults) {
  CgiHeaderParser p;
  size_t body = 0;
  ASSERT_EQ(feed_all(p, "Location: /elsewhere?x=1\n\n", 3, &body), CgiHeaderParser::State::kDone);
  EXPECT_EQ(p.head().location, "/elsewhere?x=1");
  EXPECT_EQ(p.head().status, 200);
  EXPECT_FALSE(p.head().has_status);
  EXPECT_FALSE(p.head().content_length);
}

TEST(CgiHeaders, LineWithoutColonIsABadHeaderShowingThirtyBytes) {
  CgiHeaderParser p;
  size_t body = 0;
  ASSERT_EQ(feed_all(p, "Content-Type: text/plain\n<html><body>this is not a header at all\n\n", 5,
                     &body),
            CgiHeaderParser::State::kError);
  EXPECT_EQ(p.error(), "Bad header: <html><body>this is not a head");
}

TEST(CgiHeaders, NonTokenNameAndInvalidStatusAreErrors) {
  CgiHeaderParser a;
  size_t used = 0;
  EXPECT_EQ(a.feed("Bad Name: x\n\n", &used), CgiHeaderParser::State::kError);
  CgiHeaderParser b;
  EXPECT_EQ(b.feed("Status: abc\n\n", &used), CgiHeaderParser::State::kError);
  EXPECT_EQ(b.error(), "Invalid status line: abc");
  CgiHeaderParser c;
  EXPECT_EQ(c.feed("Status: 1000\n\n", &used), CgiHeaderParser::State::kError);
}

TEST(CgiHeaders, FramingFieldsAreDroppedAndBadLengthIgnored) {
  CgiHeaderParser p;
  size_t used = 0;
  ASSERT_EQ(p.feed("Transfer-Encoding: chunked\nConnection: close\nDate: x\nServer: y\n"
                   "Content-Length: 12abc\n\n",
                   &used),
            CgiHeaderParser::State::kDone);
  EXPECT_TRUE(p.head().fields.empty());
  EXPECT_FALSE(p.head().content_length);
}

TEST(CgiHeaders, IncompleteBlockNeedsMore) {
  CgiHeaderParser p;
  size_t used = 0;
  EXPECT_FALSE(p.started());
  EXPECT_EQ(p.feed("Content-Type: text/plain\n", &used), CgiHeaderParser::State::kMore);
  EXPECT_TRUE(p.started());
  EXPECT_EQ(used, 25u);
}

TEST(CgiHeaders, OverlongLineIsCutAndTheRestIsABadHeader) {
  CgiHeaderParser p;
  std::string text = "X-Long: " + std::string(9000, 'a') + "\n\n";
  size_t body = 0;
  EXPECT_EQ(feed_all(p, text, 4096, &body), CgiHeaderParser::State::kError);
  EXPECT_EQ(p.error(), "Bad header: " + std::string(30, 'a'));
}

}  // namespace
}  // namespace tern

namespace tern {
namespace {

// A script that never ends its header block is stopped at a bound, not buffered forever.
TEST(CgiHeaders, EndlessHeaderBlockIsAnError) {
  CgiHeaderParser p;
  const std::string line = "X-Again: and again\n";
  CgiHeaderParser::State st = CgiHeaderParser::State::kMore;
  size_t fed = 0;
  while (st == CgiHeaderParser::State::kMore && fed <= 2 * CgiHeaderParser::kMaxBlock) {
    size_t used = 0;
    st = p.feed(line, &used);
    fed += used;
  }
  EXPECT_EQ(st, CgiHeaderParser::State::kError);
  EXPECT_LE(fed, CgiHeaderParser::kMaxBlock);
  EXPECT_NE(p.error().find("header block longer than"), std::string::npos) << p.error();
}

}  // namespace
}  // namespace tern
