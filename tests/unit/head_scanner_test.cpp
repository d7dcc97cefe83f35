#include "http/head_scanner.h"

#include <gtest/gtest.h>

#include <string>

namespace tern {
namespace {

TEST(HeadScanner, FindsHeadEndAndLines) {
  HeadScanner s;
  const std::string in = "\r\n\r\nGET / HTTP/1.1\r\nA: b\r\nC: d\r\n\r\nBODY";
  EXPECT_EQ(s.scan(in, {}), in.size() - 4);
  EXPECT_EQ(s.state(), HeadScanner::State::kHeadEnd);
  EXPECT_EQ(s.request_line_begin(), 4u);
  EXPECT_EQ(in.substr(4, s.request_line_end() - 4), "GET / HTTP/1.1");
  EXPECT_EQ(s.head_end(), in.size() - 4);
  EXPECT_EQ(s.fields(), 2u);
}

TEST(HeadScanner, IncrementalByteByByte) {
  const std::string in = "\r\nGET / HTTP/1.1\r\nA: b\r\n\r\n";
  HeadScanner s;
  for (size_t n = 1; n < in.size(); ++n) {
    // A final CR is held back until the byte after it shows it ends the line.
    EXPECT_EQ(s.scan(in.substr(0, n), {}), in[n - 1] == '\r' ? n - 1 : n) << n;
    EXPECT_EQ(s.state(), HeadScanner::State::kScanning) << n;
  }
  EXPECT_EQ(s.scan(in, {}), in.size());
  EXPECT_EQ(s.state(), HeadScanner::State::kHeadEnd);
  EXPECT_EQ(s.fields(), 1u);
  EXPECT_EQ(s.request_line_begin(), 2u);
}

struct ErrCase {
  std::string in;
  int status;
  size_t pos;
};

TEST(HeadScanner, Errors) {
  HeadScanner::Limits lim;
  lim.request_line = 10;
  lim.field_size = 5;
  lim.fields = 2;
  lim.blank_lines = 2;
  const ErrCase table[] = {
      {"\r\n\r\n\r\nGET", 400, 4},                     // third blank line
      {"\nGET", 400, 0},                               // bare LF
      {"\r\rGET", 400, 0},                             // bare CR
      {"GET /abcdefgh", 414, 10},                      // line > 10 before its end
      {"GET /\r\nA: bcd\r\n", 431, 12},                // field of 6 > 5
      {"GET /\r\nA: 1\r\nB: 2\r\nC: 3\r\n", 431, 19},  // third field
      {"GET /\r\nA: 1\r\n b\r\n", 400, 13},            // obs-fold
      {"GET /\r\nA: 1\rx\r\n", 400, 11},               // bare CR inside a line
      {"GET /\r\nA: 1\n", 400, 11},                    // bare LF ending a field
      {"GET /\n", 400, 5},                             // bare LF ending the request line
  };
  for (const ErrCase& c : table) {
    HeadScanner s;
    EXPECT_EQ(s.scan(c.in, lim), c.pos) << c.in;
    EXPECT_EQ(s.state(), HeadScanner::State::kError) << c.in;
    EXPECT_EQ(s.error_status(), c.status) << c.in;
  }
}

TEST(HeadScanner, LimitsAreInclusiveAndZeroFieldsIsUnlimited) {
  HeadScanner::Limits lim;
  lim.request_line = 5;
  lim.field_size = 4;
  lim.fields = 0;
  HeadScanner s;
  std::string in = "GET /\r\n";
  for (int i = 0; i < 500; ++i) in += "A: b\r\n";
  in += "\r\n";
  EXPECT_EQ(s.scan(in, lim), in.size());
  EXPECT_EQ(s.state(), HeadScanner::State::kHeadEnd);
  EXPECT_EQ(s.fields(), 500u);
}

TEST(HeadScanner, TrailingCrWaitsForLf) {
  HeadScanner s;
  EXPECT_EQ(s.scan("GET /\r", {}), 5u);  // the CR is not vetted yet
  EXPECT_EQ(s.state(), HeadScanner::State::kScanning);
  EXPECT_EQ(s.scan("GET /\rX", {}), 5u);
  EXPECT_EQ(s.state(), HeadScanner::State::kError);
  HeadScanner lead;
  EXPECT_EQ(lead.scan("\r\n\r", {}), 2u);  // same for a leading empty line
  EXPECT_EQ(lead.scan("\r\n\r\nG", {}), 5u);
}

// Lines longer than the scanner's 16-byte search step, with each fault at, just before and
// just after the limit: the earliest fault wins, for one read and for a byte-at-a-time feed.
TEST(HeadScanner, LongLinesFaultsAroundTheLimit) {
  HeadScanner::Limits lim;
  lim.request_line = 40;
  lim.field_size = 30;
  const std::string rl = "GET /" + std::string(35, 'a');   // exactly 40 bytes
  const std::string field = "X: " + std::string(27, 'b');  // exactly 30 bytes
  const ErrCase table[] = {
      {rl + "\r\n" + field + "\r\n\r\n", 0, 0},   // both at their limit: fine
      {rl + "a\r\n", 414, 40},                    // one byte over
      {rl + "\rx", 414, 40},                      // bare CR at the limit: too long first
      {rl.substr(0, 39) + "\rx", 400, 39},        // bare CR inside the limit
      {rl + "\n", 400, 40},                       // bare LF right at the limit
      {rl + "a\n", 414, 40},                      // bare LF past the limit
      {rl + "\r\n" + field + "\rx", 431, 72},     // field: bare CR at the limit
      {rl + "\r\n" + field + "\n", 400, 72},      // field: bare LF at the limit
      {rl + "\r\n" + field + "bb\r\n", 431, 72},  // field: two over
      {rl + "\r\n" + field.substr(0, 20) + "\n", 400, 62},
  };
  for (const ErrCase& c : table) {
    HeadScanner whole;
    const size_t stop = whole.scan(c.in, lim);
    if (c.status == 0) {
      EXPECT_EQ(whole.state(), HeadScanner::State::kHeadEnd) << c.in;
      EXPECT_EQ(stop, c.in.size());
      EXPECT_EQ(whole.fields(), 1u);
      continue;
    }
    EXPECT_EQ(stop, c.pos) << c.in;
    EXPECT_EQ(whole.error_status(), c.status) << c.in;
    HeadScanner bytewise;
    for (size_t n = 1; n <= c.in.size(); ++n) bytewise.scan(c.in.substr(0, n), lim);
    EXPECT_EQ(bytewise.state(), HeadScanner::State::kError) << c.in;
    EXPECT_EQ(bytewise.error_status(), c.status) << c.in;
    EXPECT_EQ(bytewise.scan(c.in, lim), c.pos) << c.in;
  }
}

}  // namespace
}  // namespace tern
