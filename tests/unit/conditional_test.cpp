#include "http/conditional.h"

#include <gtest/gtest.h>

#include <initializer_list>

namespace tern {
namespace {

constexpr time_t kMtime = 784111777;  // Sun, 06 Nov 1994 08:49:37 GMT
constexpr const char* kLm = "Sun, 06 Nov 1994 08:49:37 GMT";
constexpr const char* kBefore = "Sun, 06 Nov 1994 08:49:36 GMT";
constexpr const char* kAfter = "Sun, 06 Nov 1994 08:49:38 GMT";
constexpr const char* kTag = "\"2d-5\"";

Request make(Method m, std::initializer_list<HeaderField> headers) {
  Request r;
  r.method = m;
  r.headers.assign(headers.begin(), headers.end());
  return r;
}

Validators validators() {
  return Validators{kTag, kMtime, kMtime + 1000};
}

int eval(Method m, std::initializer_list<HeaderField> h) {
  return evaluate_preconditions(make(m, h), validators());
}

TEST(Conditional, NoConditionsProceed) {
  EXPECT_EQ(eval(Method::kGet, {}), 0);
}

TEST(Conditional, IfMatch) {
  EXPECT_EQ(eval(Method::kGet, {{"If-Match", kTag}}), 0);
  EXPECT_EQ(eval(Method::kGet, {{"If-Match", "\"x\", \"2d-5\""}}), 0);
  EXPECT_EQ(eval(Method::kGet, {{"If-Match", "*"}}), 0);
  EXPECT_EQ(eval(Method::kGet, {{"If-Match", "\"x\""}}), 412);
  EXPECT_EQ(eval(Method::kGet, {{"if-match", "W/\"2d-5\""}}), 412);  // strong comparison
  EXPECT_EQ(eval(Method::kPut, {{"If-Match", "\"x\""}}), 412);
  Validators weak{"W/\"2d-5\"", kMtime, kMtime + 10};
  EXPECT_EQ(evaluate_preconditions(make(Method::kGet, {{"If-Match", "W/\"2d-5\""}}), weak), 412);
  Validators none{"", std::nullopt, kMtime};
  EXPECT_EQ(evaluate_preconditions(make(Method::kGet, {{"If-Match", "*"}}), none), 412);
}

TEST(Conditional, IfUnmodifiedSince) {
  EXPECT_EQ(eval(Method::kGet, {{"If-Unmodified-Since", kLm}}), 0);
  EXPECT_EQ(eval(Method::kGet, {{"If-Unmodified-Since", kAfter}}), 0);
  EXPECT_EQ(eval(Method::kGet, {{"If-Unmodified-Since", kBefore}}), 412);
  EXPECT_EQ(eval(Method::kGet, {{"If-Unmodified-Since", "garbage"}}), 0);  // ignored
  // Ignored when If-Match is present.
  EXPECT_EQ(eval(Method::kGet, {{"If-Match", kTag}, {"If-Unmodified-Since", kBefore}}), 0);
  EXPECT_EQ(eval(Method::kGet, {{"If-Match", "\"no\""}, {"If-Unmodified-Since", kAfter}}), 412);
}

TEST(Conditional, IfNoneMatch) {
  EXPECT_EQ(eval(Method::kGet, {{"If-None-Match", kTag}}), 304);
  EXPECT_EQ(eval(Method::kHead, {{"If-None-Match", kTag}}), 304);
  EXPECT_EQ(eval(Method::kGet, {{"If-None-Match", "W/\"2d-5\""}}), 304);  // weak comparison
  EXPECT_EQ(eval(Method::kGet, {{"If-None-Match", "\"a\", \"b\", \"2d-5\""}}), 304);
  EXPECT_EQ(eval(Method::kGet, {{"If-None-Match", "*"}}), 304);
  EXPECT_EQ(eval(Method::kGet, {{"If-None-Match", "\"other\""}}), 0);
  EXPECT_EQ(eval(Method::kPost, {{"If-None-Match", kTag}}), 412);
  EXPECT_EQ(eval(Method::kDelete, {{"If-None-Match", "*"}}), 412);
  EXPECT_EQ(eval(Method::kPost, {{"If-None-Match", "\"other\""}}), 0);
}

TEST(Conditional, IfModifiedSince) {
  EXPECT_EQ(eval(Method::kGet, {{"If-Modified-Since", kLm}}), 304);
  EXPECT_EQ(eval(Method::kGet, {{"If-Modified-Since", kAfter}}), 304);
  EXPECT_EQ(eval(Method::kHead, {{"If-Modified-Since", kAfter}}), 304);
  EXPECT_EQ(eval(Method::kGet, {{"If-Modified-Since", kBefore}}), 0);
  EXPECT_EQ(eval(Method::kGet, {{"If-Modified-Since", "not a date"}}), 0);
  EXPECT_EQ(eval(Method::kPost, {{"If-Modified-Since", kAfter}}), 0);  // GET/HEAD only
  // A date in the future (after the request time) is ignored.
  EXPECT_EQ(eval(Method::kGet, {{"If-Modified-Since", "Fri, 01 Jan 2100 00:00:00 GMT"}}), 0);
  EXPECT_EQ(eval(Method::kGet, {{"If-Modified-Since", "Sunday, 06-Nov-94 08:49:37 GMT"}}), 304);
  EXPECT_EQ(eval(Method::kGet, {{"If-Modified-Since", "Sun Nov  6 08:49:37 1994"}}), 304);
  Validators no_lm{kTag, std::nullopt, kMtime + 10};
  EXPECT_EQ(evaluate_preconditions(make(Method::kGet, {{"If-Modified-Since", kLm}}), no_lm), 0);
}

TEST(Conditional, Precedence) {
  // If-None-Match present: If-Modified-Since is ignored, either way.
  EXPECT_EQ(eval(Method::kGet, {{"If-None-Match", "\"other\""}, {"If-Modified-Since", kAfter}}), 0);
  EXPECT_EQ(eval(Method::kGet, {{"If-None-Match", kTag}, {"If-Modified-Since", kBefore}}), 304);
  // If-Match failure beats If-None-Match.
  EXPECT_EQ(eval(Method::kGet, {{"If-Match", "\"x\""}, {"If-None-Match", kTag}}), 412);
  // If-Unmodified-Since failure beats If-None-Match / If-Modified-Since.
  EXPECT_EQ(eval(Method::kGet, {{"If-Unmodified-Since", kBefore}, {"If-None-Match", kTag}}), 412);
  EXPECT_EQ(eval(Method::kGet, {{"If-Unmodified-Since", kBefore}, {"If-Modified-Since", kLm}}),
            412);
  // Passing If-Match then If-None-Match matching → 304.
  EXPECT_EQ(eval(Method::kGet, {{"If-Match", kTag}, {"If-None-Match", kTag}}), 304);
  EXPECT_EQ(eval(Method::kGet, {{"If-Match", "*"}, {"If-Modified-Since", kLm}}), 304);
}

TEST(Conditional, IfRange) {
  Validators v = validators();
  EXPECT_TRUE(if_range_allows(make(Method::kGet, {}), v));
  EXPECT_TRUE(if_range_allows(make(Method::kGet, {{"If-Range", kTag}}), v));
  EXPECT_FALSE(if_range_allows(make(Method::kGet, {{"If-Range", "\"other\""}}), v));
  EXPECT_FALSE(if_range_allows(make(Method::kGet, {{"If-Range", "W/\"2d-5\""}}), v));
  EXPECT_TRUE(if_range_allows(make(Method::kGet, {{"If-Range", kLm}}), v));
  EXPECT_FALSE(if_range_allows(make(Method::kGet, {{"If-Range", kAfter}}), v));
  EXPECT_FALSE(if_range_allows(make(Method::kGet, {{"If-Range", kBefore}}), v));
  EXPECT_FALSE(if_range_allows(make(Method::kGet, {{"If-Range", "junk"}}), v));
  EXPECT_FALSE(if_range_allows(make(Method::kGet, {{"If-Range", ""}}), v));
  Validators weak{"W/\"2d-5\"", kMtime, kMtime};
  EXPECT_FALSE(if_range_allows(make(Method::kGet, {{"If-Range", "W/\"2d-5\""}}), weak));
  Validators no_lm{kTag, std::nullopt, kMtime};
  EXPECT_FALSE(if_range_allows(make(Method::kGet, {{"If-Range", kLm}}), no_lm));
}

TEST(Conditional, NotModifiedKeepsOnlyCacheFields) {
  Response r;
  r.add_header("Last-Modified", kLm);
  r.add_header("ETag", kTag);
  r.add_header("Accept-Ranges", "bytes");
  r.add_header("Content-Type", "text/html");
  r.add_header("Cache-Control", "max-age=60");
  r.add_header("Content-Range", "bytes 0-1/2");
  r.add_header("Expires", kAfter);
  r.add_header("Vary", "Accept-Encoding");
  r.append_body("hello");
  r.append_file_range(0, 10);
  make_not_modified(r);
  EXPECT_EQ(r.status, 304);
  EXPECT_EQ(r.body_length(), 0u);
  EXPECT_TRUE(r.chunks.empty());
  EXPECT_EQ(r.fields, std::string("Last-Modified: ") + kLm + "\r\nETag: " + kTag +
                          "\r\nCache-Control: max-age=60\r\nExpires: " + kAfter +
                          "\r\nVary: Accept-Encoding\r\n");
}

}  // namespace
}  // namespace tern
