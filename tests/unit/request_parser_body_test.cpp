#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "http/body_decoder.h"
#include "http/request_parser.h"
#include "request_parser_test_util.h"

namespace tern {
namespace {

using testing::drive;
using testing::ParsedRequest;

const std::string kChunkedHead =
    "POST /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";

// Status after parsing a chunked body `body` (0 = done, -1 = need more).
int chunked_status(const std::string& body, const ParserLimits& limits = {}) {
  const auto reqs = drive(kChunkedHead + body, {}, limits);
  if (reqs.empty()) return -1;
  return reqs.back().error_status;
}

TEST(RequestParserBody, ContentLengthSplitEverywhere) {
  const std::string wire =
      "POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\nhello world"
      "GET /b HTTP/1.1\r\nHost: h\r\n\r\n";
  for (size_t cut = 0; cut <= wire.size(); ++cut) {
    const auto reqs = drive(wire, {cut});
    ASSERT_EQ(reqs.size(), 2u) << cut;
    EXPECT_EQ(reqs[0].error_status, 0);
    EXPECT_EQ(reqs[0].body, "hello world") << cut;
    EXPECT_EQ(reqs[0].content_length, 11);
    EXPECT_EQ(reqs[1].path, "/b");
  }
  // Byte by byte.
  std::vector<size_t> all;
  for (size_t i = 1; i < wire.size(); ++i) all.push_back(i);
  const auto reqs = drive(wire, all);
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[0].body, "hello world");
}

TEST(RequestParserBody, ChunkedWithExtensionsAndTrailersSplitEverywhere) {
  const std::string body =
      "5;name=value;q=\"quoted \\\" str\"\r\nhello\r\n"
      "1 ; bws = x\r\n \r\n"
      "00A\r\n0123456789\r\n"
      "0;last\r\nTrailer-One: a\r\nTrailer-Two: b c\r\n\r\n";
  const std::string wire = kChunkedHead + body + "GET /next HTTP/1.1\r\nHost: h\r\n\r\n";
  for (size_t a = 0; a <= wire.size(); ++a) {
    for (size_t b : {a, a + 1, a + 3, a + 7}) {
      const auto reqs = drive(wire, {a, b});
      ASSERT_EQ(reqs.size(), 2u) << a << "," << b;
      EXPECT_EQ(reqs[0].error_status, 0) << a;
      EXPECT_EQ(reqs[0].body, "hello 0123456789") << a;
      EXPECT_TRUE(reqs[0].chunked);
      EXPECT_EQ(reqs[0].headers.size(), 2u);  // trailers are not merged
      EXPECT_EQ(reqs[1].path, "/next");
    }
  }
}

TEST(RequestParserBody, DiscardWithNullOut) {
  RequestParser p({});
  Request req;
  ASSERT_EQ(p.parse_head(kChunkedHead, req).status, ParseStatus::kDone);
  const BodyResult r = p.parse_body("3\r\nabc\r\n0\r\n\r\nX", nullptr);
  EXPECT_EQ(r.status, ParseStatus::kDone);
  EXPECT_EQ(r.consumed, 13u);
}

TEST(RequestParserBody, NoBodyIsDoneAtOnce) {
  RequestParser p({});
  Request req;
  ASSERT_EQ(p.parse_head("GET / HTTP/1.1\r\nHost: h\r\n\r\n", req).status, ParseStatus::kDone);
  std::string out;
  const BodyResult r = p.parse_body("GET / HTTP/1.1\r\n", &out);
  EXPECT_EQ(r.status, ParseStatus::kDone);
  EXPECT_EQ(r.consumed, 0u);
  EXPECT_TRUE(out.empty());
}

TEST(RequestParserBody, ChunkedRejections) {
  struct C {
    const char* name;
    std::string body;
    int status;
  };
  const std::vector<C> table = {
      {"ok", "1\r\na\r\n0\r\n\r\n", 0},
      {"missing CRLF after data", "5\r\nhelloXX0\r\n\r\n", 400},
      {"LF only after data", "5\r\nhello\n0\r\n\r\n", 400},
      {"CR then garbage after data", "5\r\nhello\rX0\r\n\r\n", 400},
      {"empty size", "\r\nhello\r\n0\r\n\r\n", 400},
      {"leading space", " 5\r\nhello\r\n0\r\n\r\n", 400},
      {"trailing space", "5 \r\nhello\r\n0\r\n\r\n", 400},
      {"0x prefix", "0x5\r\nhello\r\n0\r\n\r\n", 400},
      {"negative", "-5\r\nhello\r\n0\r\n\r\n", 400},
      {"plus", "+5\r\nhello\r\n0\r\n\r\n", 400},
      {"bare LF after size", "5\nhello\r\n0\r\n\r\n", 400},
      {"bare CR in size line", "5\r;x\r\nhello\r\n0\r\n\r\n", 400},
      {"overflow", "10000000000000000\r\n", 400},
      {"max hex no overflow but over body limit", "ffffffffffffffff\r\n", 413},
      {"empty extension", "5;\r\nhello\r\n0\r\n\r\n", 400},
      {"extension without semicolon", "5 x\r\nhello\r\n0\r\n\r\n", 400},
      {"extension bad name", "5;(\r\nhello\r\n0\r\n\r\n", 400},
      {"extension empty value", "5;a=\r\nhello\r\n0\r\n\r\n", 400},
      {"extension unterminated quote", "5;a=\"x\r\nhello\r\n0\r\n\r\n", 400},
      {"extension trailing space", "5;a=b \r\nhello\r\n0\r\n\r\n", 400},
      {"extension control char", "5;a=b\x01\r\nhello\r\n0\r\n\r\n", 400},
      {"trailer without colon", "0\r\nNoColon\r\n\r\n", 400},
      {"trailer space before colon", "0\r\nX : y\r\n\r\n", 400},
      {"trailer obs-fold", "0\r\nX: y\r\n z\r\n\r\n", 400},
      {"trailer bare LF", "0\r\nX: y\n\r\n", 400},
      {"trailer bare LF end", "0\r\nX: y\r\n\n", 400},
      {"trailer control char", "0\r\nX: a\x01\r\n\r\n", 400},
      {"trailer too large", "0\r\nX: " + std::string(9000, 'a') + "\r\n\r\n", 431},
      {"trailer too large, incomplete", "0\r\nX: " + std::string(9000, 'a'), 431},
      {"many small trailers too large",
       "0\r\n" +
           [] {
             std::string s;
             for (int i = 0; i < 1000; ++i) s += "T: 0123456789\r\n";
             return s;
           }() +
           "\r\n",
       431},
  };
  for (const C& c : table) {
    EXPECT_EQ(chunked_status(c.body), c.status) << c.name;
  }
}

TEST(RequestParserBody, ChunkExtensionLimit) {
  ParserLimits lim;
  lim.chunk_ext = 10;
  EXPECT_EQ(chunked_status("1;abcdefghi\r\nx\r\n0\r\n\r\n", lim), 0);     // 10 bytes
  EXPECT_EQ(chunked_status("1;abcdefghij\r\nx\r\n0\r\n\r\n", lim), 400);  // 11 bytes
  // Detected before the line ends.
  EXPECT_EQ(chunked_status("1;" + std::string(200, 'a'), lim), 400);
}

// An over-long chunk-size line gets the same answer, reason included, whether its LF
// arrives with it or in a later read (found by fuzz/request_parser_fuzz.cpp).
TEST(BodyDecoder, LongSizeLineSameReasonWholeOrSplit) {
  ParserLimits lim;
  lim.chunk_ext = 10;
  const std::string line = "1;" + std::string(100, 'a');
  BodyDecoder whole;
  whole.start_chunked(lim);
  const BodyResult w = whole.decode(line + "\r\nx\r\n", nullptr);
  BodyDecoder split;
  split.start_chunked(lim);
  const BodyResult s = split.decode(line, nullptr);
  EXPECT_EQ(w.error_status, 400);
  EXPECT_EQ(s.error_status, 400);
  EXPECT_STREQ(w.reason, s.reason);
}

TEST(RequestParserBody, ChunkedBodyLimit) {
  ParserLimits lim;
  lim.body = 10;
  EXPECT_EQ(chunked_status("5\r\n01234\r\n5\r\n56789\r\n0\r\n\r\n", lim), 0);
  const auto reqs = drive(kChunkedHead + "5\r\n01234\r\n6\r\n", {}, lim);
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].error_status, 413);
  EXPECT_EQ(reqs[0].body, "01234");  // the part within the limit was delivered
  lim.body = 0;                      // unlimited
  EXPECT_EQ(chunked_status("ffffffffffffffff\r\n", lim), -1);
}

TEST(RequestParserBody, IncompleteChunkedNeedsMore) {
  for (const std::string body : {"", "5", "5\r", "5\r\nhel", "5\r\nhello", "5\r\nhello\r",
                                 "5\r\nhello\r\n0\r\n", "5\r\nhello\r\n0\r\nX: y\r\n"}) {
    EXPECT_EQ(chunked_status(body), -1) << body;
  }
}

TEST(BodyDecoder, LeavesIncompleteLinesUnconsumed) {
  BodyDecoder d;
  d.start_chunked({});
  std::string out;
  BodyResult r = d.decode("3;ext", &out);
  EXPECT_EQ(r.status, ParseStatus::kNeedMore);
  EXPECT_EQ(r.consumed, 0u);
  r = d.decode("3;ext=1\r\nab", &out);
  EXPECT_EQ(r.status, ParseStatus::kNeedMore);
  EXPECT_EQ(r.consumed, 11u);
  EXPECT_EQ(out, "ab");
  r = d.decode("c\r\n0\r\n\r\n", &out);
  EXPECT_EQ(r.status, ParseStatus::kDone);
  EXPECT_EQ(r.consumed, 8u);
  EXPECT_EQ(out, "abc");
  EXPECT_EQ(d.decoded(), 3u);
}

TEST(BodyDecoder, ErrorIsSticky) {
  BodyDecoder d;
  d.start_chunked({});
  EXPECT_EQ(d.decode("zz\r\n", nullptr).error_status, 400);
  EXPECT_EQ(d.decode("1\r\na\r\n0\r\n\r\n", nullptr).error_status, 400);
}

TEST(BodyDecoder, ValidFieldLine) {
  EXPECT_TRUE(valid_field_line("A: b"));
  EXPECT_TRUE(valid_field_line("A:"));
  EXPECT_FALSE(valid_field_line(": b"));
  EXPECT_FALSE(valid_field_line("A b: c"));
  EXPECT_FALSE(valid_field_line("A"));
}

}  // namespace
}  // namespace tern
