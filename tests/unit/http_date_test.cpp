#include "http/http_date.h"

#include <gtest/gtest.h>

#include <string>

namespace tern {
namespace {

std::string fmt(time_t t) {
  char buf[30];
  size_t n = format_http_date(t, buf);
  EXPECT_EQ(n, 29u);
  EXPECT_EQ(buf[29], '\0');
  return std::string(buf, n);
}

TEST(HttpDate, FormatsKnownInstants) {
  EXPECT_EQ(fmt(0), "Thu, 01 Jan 1970 00:00:00 GMT");
  EXPECT_EQ(fmt(784111777), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(fmt(951782400), "Tue, 29 Feb 2000 00:00:00 GMT");
  EXPECT_EQ(fmt(4102444799), "Thu, 31 Dec 2099 23:59:59 GMT");
}

TEST(HttpDate, ParsesAllThreeForms) {
  EXPECT_EQ(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), 784111777);
  EXPECT_EQ(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), 784111777);
  EXPECT_EQ(parse_http_date("Sun Nov  6 08:49:37 1994"), 784111777);
  EXPECT_EQ(parse_http_date("Tue Feb 29 00:00:00 2000"), 951782400);
  // Two-digit years within 50 years of now are in this century (2070, not 1970).
  EXPECT_EQ(parse_http_date("Wednesday, 01-Jan-70 00:00:00 GMT"), 3155760000);
  // The day name is not cross-checked (as httpd).
  EXPECT_EQ(parse_http_date("Monday, 06-Nov-94 08:49:37 GMT"), 784111777);
  EXPECT_EQ(parse_http_date("Friday, 31-Dec-99 23:59:59 GMT"), 946684799);
  EXPECT_EQ(parse_http_date("Saturday, 01-Jan-00 00:00:00 GMT"), 946684800);
}

TEST(HttpDate, RoundTrips) {
  for (time_t t : {time_t{0}, time_t{1}, time_t{86399}, time_t{1700000000}, time_t{2147483647},
                   time_t{4102444799}}) {
    EXPECT_EQ(parse_http_date(fmt(t)), t) << t;
  }
}

TEST(HttpDate, RejectsMalformed) {
  const char* bad[] = {
      "",
      "Sun",
      "Sun, 06 Nov 1994 08:49:37 UTC",
      "Sun, 06 Nov 1994 08:49:37 GMT ",
      " Sun, 06 Nov 1994 08:49:37 GMT",
      "Sun, 6 Nov 1994 08:49:37 GMT",
      "Sun, 06 Foo 1994 08:49:37 GMT",
      "Sun, 06 Nov 94 08:49:37 GMT",
      "Sun, 32 Jan 1994 08:49:37 GMT",
      "Sun, 29 Feb 1999 08:49:37 GMT",
      "Sun, 06 Nov 1994 24:00:00 GMT",
      "Sun, 06 Nov 1994 08:60:00 GMT",
      "Sun, 06 Nov 1994 08:49 GMT",
      "Xyz, 06 Nov 1994 08:49:37 GMT",
      "Sunday, 06-Nov-1994 08:49:37 GMT",
      "Sunday 06-Nov-94 08:49:37 GMT",
      "Sun Nov 6 08:49:37 1994",
      "Sun Nov  6 08:49:37 94",
      "Sun Nov 06 08:49:37 1994 GMT",
      "Thu, 01 Jan 1969 23:59:59 GMT",
      "1994-11-06T08:49:37Z",
      "Sun, 0a Nov 1994 08:49:37 GMT",
  };
  for (const char* s : bad) EXPECT_FALSE(parse_http_date(s).has_value()) << s;
}

TEST(HttpDate, AcceptsLeapSecondAsFiftyNine) {
  EXPECT_EQ(parse_http_date("Sat, 31 Dec 2016 23:59:60 GMT"), 1483228799);
}

TEST(HttpDate, CurrentDateIsNowAndStable) {
  std::string_view a = current_http_date();
  ASSERT_EQ(a.size(), 29u);
  auto parsed = parse_http_date(a);
  ASSERT_TRUE(parsed.has_value());
  time_t now = time(nullptr);
  EXPECT_LE(*parsed, now + 1);
  EXPECT_GE(*parsed, now - 2);
  std::string_view b = current_http_date();
  EXPECT_EQ(a.data(), b.data());  // same per-thread buffer
}

}  // namespace
}  // namespace tern
