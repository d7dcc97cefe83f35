#include "http/range.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace tern {
namespace {

using R = std::vector<ByteRange>;

RangeDecision parse(std::string_view v, uint64_t len, R& out, int max = 200) {
  return parse_range(v, len, max, out);
}

TEST(Range, SingleForms) {
  R r;
  EXPECT_EQ(parse("bytes=0-99", 1000, r), RangeDecision::kSatisfiable);
  EXPECT_EQ(r, (R{{0, 99}}));
  EXPECT_EQ(parse("bytes=500-", 1000, r), RangeDecision::kSatisfiable);
  EXPECT_EQ(r, (R{{500, 999}}));
  EXPECT_EQ(parse("bytes=-500", 1000, r), RangeDecision::kSatisfiable);
  EXPECT_EQ(r, (R{{500, 999}}));
  EXPECT_EQ(parse("bytes=-5000", 1000, r), RangeDecision::kSatisfiable);
  EXPECT_EQ(r, (R{{0, 999}}));
  EXPECT_EQ(parse("bytes=900-5000", 1000, r), RangeDecision::kSatisfiable);
  EXPECT_EQ(r, (R{{900, 999}}));
  EXPECT_EQ(parse("bytes=999-999", 1000, r), RangeDecision::kSatisfiable);
  EXPECT_EQ(r, (R{{999, 999}}));
  EXPECT_EQ(parse("Bytes = 0-0", 1000, r), RangeDecision::kSatisfiable);
  EXPECT_EQ(r, (R{{0, 0}}));
  EXPECT_EQ(parse("bytes=0-99999999999999999999999", 10, r), RangeDecision::kSatisfiable);
  EXPECT_EQ(r, (R{{0, 9}}));
}

TEST(Range, ListsAndOws) {
  R r;
  EXPECT_EQ(parse("bytes=0-9, 20-29,\t40-", 50, r), RangeDecision::kSatisfiable);
  EXPECT_EQ(r, (R{{0, 9}, {20, 29}, {40, 49}}));
  EXPECT_EQ(parse("bytes=,0-0,,2-2,", 50, r), RangeDecision::kSatisfiable);
  EXPECT_EQ(r, (R{{0, 0}, {2, 2}}));
}

TEST(Range, CoalescesAndSorts) {
  R r;
  EXPECT_EQ(parse("bytes=0-9,10-19", 100, r), RangeDecision::kSatisfiable);  // adjacent
  EXPECT_EQ(r, (R{{0, 19}}));
  EXPECT_EQ(parse("bytes=0-50,20-30,40-60", 100, r), RangeDecision::kSatisfiable);
  EXPECT_EQ(r, (R{{0, 60}}));
  EXPECT_EQ(parse("bytes=50-59,0-9,-10", 100, r), RangeDecision::kSatisfiable);
  EXPECT_EQ(r, (R{{0, 9}, {50, 59}, {90, 99}}));
  EXPECT_EQ(parse("bytes=-10,90-", 100, r), RangeDecision::kSatisfiable);
  EXPECT_EQ(r, (R{{90, 99}}));
  EXPECT_EQ(parse("bytes=0-0,0-0,0-0", 100, r), RangeDecision::kSatisfiable);
  EXPECT_EQ(r, (R{{0, 0}}));
  EXPECT_EQ(parse("bytes=0-9,11-20", 100, r), RangeDecision::kSatisfiable);  // gap of one
  EXPECT_EQ(r.size(), 2u);
}

TEST(Range, Unsatisfiable) {
  R r;
  EXPECT_EQ(parse("bytes=1000-", 1000, r), RangeDecision::kUnsatisfiable);
  EXPECT_EQ(parse("bytes=1000-2000,5000-", 1000, r), RangeDecision::kUnsatisfiable);
  EXPECT_EQ(parse("bytes=-0", 1000, r), RangeDecision::kUnsatisfiable);
  EXPECT_EQ(parse("bytes=0-", 0, r), RangeDecision::kUnsatisfiable);
  EXPECT_EQ(parse("bytes=-5", 0, r), RangeDecision::kUnsatisfiable);
  EXPECT_TRUE(r.empty());
  // Unsatisfiable members are dropped when another is satisfiable.
  EXPECT_EQ(parse("bytes=2000-,0-1", 1000, r), RangeDecision::kSatisfiable);
  EXPECT_EQ(r, (R{{0, 1}}));
}

TEST(Range, MalformedOrOtherUnitIgnored) {
  R r;
  for (const char* v :
       {"", "bytes", "bytes=", "bytes=,", "bytes=abc", "bytes=5", "bytes=-", "bytes=10-5",
        "bytes=0-9,x", "bytes=0-9;1-2", "bytes=1 -2", "bytes=0-9,10-5", "items=0-9", "bytesx=0-9",
        "bytes=+1-2", "bytes=--1", "bytes=0-1-2", "bytes=0x10-20"}) {
    EXPECT_EQ(parse(v, 1000, r), RangeDecision::kIgnore) << v;
    EXPECT_TRUE(r.empty()) << v;
  }
}

TEST(Range, MaxRanges) {
  R r;
  EXPECT_EQ(parse("bytes=0-0", 100, r, 0), RangeDecision::kIgnore);  // disabled
  EXPECT_EQ(parse("bytes=0-0,2-2,4-4", 100, r, 2), RangeDecision::kIgnore);
  EXPECT_TRUE(r.empty());
  EXPECT_EQ(parse("bytes=0-0,2-2", 100, r, 2), RangeDecision::kSatisfiable);
  // Counted after coalescing.
  EXPECT_EQ(parse("bytes=0-0,1-1,2-2", 100, r, 1), RangeDecision::kSatisfiable);
  EXPECT_EQ(r, (R{{0, 2}}));
  std::string many = "bytes=0-0";
  for (int i = 1; i < 500; ++i) many += "," + std::to_string(2 * i) + "-" + std::to_string(2 * i);
  EXPECT_EQ(parse(many, 2000, r, -1), RangeDecision::kSatisfiable);
  EXPECT_EQ(r.size(), 500u);
  EXPECT_EQ(parse(many, 2000, r, 200), RangeDecision::kIgnore);
}

// Concatenates the body as the connection would send it, with file bytes from `file`.
std::string render(const Response& resp, std::string_view file) {
  std::string out;
  for (const BodyChunk& c : resp.chunks) {
    if (c.from_file) {
      out.append(file.substr(c.offset, c.length));
    } else {
      out.append(resp.body_mem, c.offset, c.length);
    }
  }
  return out;
}

TEST(Range, SingleRangeResponse) {
  Response resp;
  resp.add_header("Content-Type", "text/plain");
  resp.append_file_range(0, 26);
  R r{{2, 4}};
  apply_ranges(r, 26, "text/plain", resp);
  EXPECT_EQ(resp.status, 206);
  EXPECT_EQ(resp.header("Content-Range"), "bytes 2-4/26");
  EXPECT_EQ(resp.header("Content-Type"), "text/plain");
  ASSERT_EQ(resp.chunks.size(), 1u);
  EXPECT_TRUE(resp.chunks[0].from_file);
  EXPECT_EQ(render(resp, "abcdefghijklmnopqrstuvwxyz"), "cde");
  EXPECT_EQ(resp.body_length(), 3u);
}

TEST(Range, MultipartLayoutAndExactLength) {
  const std::string file = "abcdefghijklmnopqrstuvwxyz";
  Response resp;
  resp.add_header("Content-Type", "text/plain");
  R r{{0, 1}, {24, 25}};
  apply_ranges(r, 26, "text/plain", resp);
  EXPECT_EQ(resp.status, 206);
  auto ct = resp.header("Content-Type");
  ASSERT_TRUE(ct.has_value());
  const std::string prefix = "multipart/byteranges; boundary=";
  ASSERT_EQ(ct->substr(0, prefix.size()), prefix);
  std::string b(ct->substr(prefix.size()));
  EXPECT_EQ(b.size(), 16u);
  EXPECT_FALSE(resp.header("Content-Range").has_value());
  std::string expected = "\r\n--" + b +
                         "\r\nContent-Type: text/plain\r\nContent-Range: bytes 0-1/26\r\n\r\nab"
                         "\r\n--" +
                         b +
                         "\r\nContent-Type: text/plain\r\nContent-Range: bytes 24-25/26\r\n\r\nyz"
                         "\r\n--" +
                         b + "--\r\n";
  EXPECT_EQ(render(resp, file), expected);
  EXPECT_EQ(resp.body_length(), expected.size());
  ASSERT_EQ(resp.chunks.size(), 5u);
  EXPECT_FALSE(resp.chunks[0].from_file);
  EXPECT_TRUE(resp.chunks[1].from_file);
  EXPECT_FALSE(resp.chunks[2].from_file);
  EXPECT_TRUE(resp.chunks[3].from_file);
  EXPECT_FALSE(resp.chunks[4].from_file);
}

TEST(Range, MultipartWithoutContentType) {
  Response resp;
  R r{{0, 0}, {2, 2}};
  apply_ranges(r, 3, "", resp);
  std::string body = render(resp, "xyz");
  EXPECT_EQ(body.find("Content-Type"), std::string::npos);
  EXPECT_NE(body.find("Content-Range: bytes 2-2/3\r\n\r\nz"), std::string::npos);
}

TEST(Range, BoundariesDiffer) {
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    char b[16];
    random_boundary(b);
    std::string s(b, 16);
    EXPECT_EQ(s.find_first_not_of("0123456789abcdef"), std::string::npos);
    seen.insert(s);
  }
  EXPECT_EQ(seen.size(), 50u);
}

TEST(Range, UnsatisfiedContentRange) {
  Response resp;
  add_unsatisfied_range(12345, resp);
  EXPECT_EQ(resp.header("Content-Range"), "bytes */12345");
}

}  // namespace
}  // namespace tern
